namespace Actors.Grains.Abstractions.Avatars;

/// <summary>One thumbnail (PNG) of the current upload, or where that upload stands.</summary>
/// <param name="Version">Bumped by every upload; drives ETags.</param>
[GenerateSerializer, Immutable, Alias("actors.AvatarImage")]
public sealed record AvatarImage(
    [property: Id(0)] AvatarStatus Status,
    [property: Id(1)] long Version,
    [property: Id(2)] byte[]? Png,
    [property: Id(3)] string? Reason);
