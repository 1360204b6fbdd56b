namespace Actors.Grains.Abstractions.Avatars;

/// <summary>What an upload got: accepted (thumbnails follow) with its version, or refused with a code and reason.</summary>
[GenerateSerializer, Immutable, Alias("actors.AvatarUpload")]
public sealed record AvatarUpload(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] long Version,
    [property: Id(2)] string? ErrorCode,
    [property: Id(3)] string? Reason);
