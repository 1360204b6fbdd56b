namespace Actors.Grains.Abstractions.Feeds;

/// <summary>A post's place in a timeline: newest first by (CreatedAt, PostId).</summary>
[GenerateSerializer, Immutable, Alias("actors.TimelineEntry")]
public sealed record TimelineEntry(
    [property: Id(0)] Guid PostId,
    [property: Id(1)] Guid AuthorId,
    [property: Id(2)] DateTimeOffset CreatedAt);
