namespace Actors.Grains.Avatars;

/// <summary>The image types an avatar upload may have (its Content-Type).</summary>
public static class AvatarTypes
{
    public static readonly IReadOnlyList<string> ContentTypes = ["image/png", "image/jpeg", "image/webp"];

    public static bool IsAccepted(string? contentType) =>
        contentType is not null && ContentTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase);
}
