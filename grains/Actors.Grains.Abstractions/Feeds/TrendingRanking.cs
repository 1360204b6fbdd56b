namespace Actors.Grains.Abstractions.Feeds;

/// <summary>Post entries in trending order, and when the ranking was computed.</summary>
[GenerateSerializer, Immutable, Alias("actors.TrendingRanking")]
public sealed record TrendingRanking(
    [property: Id(0)] IReadOnlyList<TimelineEntry> Entries,
    [property: Id(1)] DateTimeOffset ComputedAt);
