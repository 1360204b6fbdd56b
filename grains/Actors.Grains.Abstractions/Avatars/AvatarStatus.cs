namespace Actors.Grains.Abstractions.Avatars;

public enum AvatarStatus
{
    /// <summary>Uploaded; thumbnails are being made.</summary>
    Processing,

    /// <summary>Thumbnails exist.</summary>
    Ready,

    /// <summary>The upload could not be decoded; <see cref="AvatarImage.Reason"/> says why.</summary>
    Rejected,
}
