namespace Actors.Grains.Abstractions.Users;

/// <summary>A user as stored. <see cref="Email"/> is private to its owner; the gateway decides who sees it.</summary>
/// <param name="Version">Row version, bumped by every profile edit; drives ETags and If-Match.</param>
[GenerateSerializer, Immutable, Alias("actors.UserProfile")]
public sealed record UserProfile(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Handle,
    [property: Id(2)] string Email,
    [property: Id(3)] string DisplayName,
    [property: Id(4)] string Bio,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt,
    [property: Id(7)] long Version,
    [property: Id(8)] UserCounters Counters);
