namespace Actors.Grains.Avatars;

public enum AvatarStatus
{
    /// <summary>Uploaded; thumbnails are being made.</summary>
    Processing,

    /// <summary>Thumbnails exist.</summary>
    Ready,

    /// <summary>The upload could not be decoded; <see cref="AvatarImage.Reason"/> says why.</summary>
    Rejected,
}

/// <summary>One thumbnail (PNG) of the current upload, or where that upload stands.</summary>
/// <param name="Version">Bumped by every upload; drives ETags.</param>
[GenerateSerializer, Immutable, Alias("actors.AvatarImage")]
public sealed record AvatarImage(
    [property: Id(0)] AvatarStatus Status,
    [property: Id(1)] long Version,
    [property: Id(2)] byte[]? Png,
    [property: Id(3)] string? Reason);
