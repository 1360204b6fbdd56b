namespace Actors.Grains.Abstractions.Feeds;

/// <summary>The hottest posts right now, and when their ranking was computed.</summary>
[GenerateSerializer, Immutable, Alias("actors.Trending")]
public sealed record Trending(
    [property: Id(0)] IReadOnlyList<FeedItem> Items,
    [property: Id(1)] DateTimeOffset ComputedAt);
