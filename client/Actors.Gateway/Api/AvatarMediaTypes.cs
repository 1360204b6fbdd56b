namespace Actors.Gateway.Api;

/// <summary>
/// The Content-Types an avatar upload may declare, checked before the body is read. The silo decodes the
/// image and refuses one whose data is not what the header says.
/// </summary>
internal static class AvatarMediaTypes
{
    public static readonly string[] Accepted = ["image/png", "image/jpeg", "image/webp"];

    public static bool IsAccepted(string? contentType) =>
        contentType is not null && Accepted.Contains(contentType, StringComparer.OrdinalIgnoreCase);
}
