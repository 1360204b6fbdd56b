namespace Actors.Grains.Abstractions.Users;

/// <summary>
/// Denormalized counts kept in the users row by the same transaction that changes the rows they count.
/// </summary>
/// <param name="Sequence">
/// The row's stats_version: bumped by every counter change, so a grain that hears about counter changes
/// from several writers keeps only the newest snapshot, whatever order the notices arrive in.
/// </param>
[GenerateSerializer, Immutable, Alias("actors.UserCounters")]
public sealed record UserCounters(
    [property: Id(0)] int Followers,
    [property: Id(1)] int Following,
    [property: Id(2)] int Posts,
    [property: Id(3)] long Sequence);
