namespace Actors.Grains.Abstractions.Analytics;

/// <summary>Views of posts a gateway counted since its last batch: post ids and counts, index by index.</summary>
[GenerateSerializer, Immutable, Alias("actors.PostViews")]
public sealed record PostViews(
    [property: Id(0)] Guid[] PostIds,
    [property: Id(1)] int[] Counts)
{
    /// <summary>The stream namespace batches travel on; its key is a partition number.</summary>
    public const string StreamNamespace = "post-views";
}
