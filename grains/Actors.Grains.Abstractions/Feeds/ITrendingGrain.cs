using Orleans.Concurrency;

namespace Actors.Grains.Abstractions.Feeds;

/// <summary>
/// The trending ranking, one for the cluster (key 0), by recent likes and views. Served stale-while-revalidate:
/// answered at once from the last ranking while a newer one is computed in the background, and never
/// older than a configured bound (past it, the read waits for the new ranking).
/// </summary>
[Alias("actors.ITrendingGrain")]
public interface ITrendingGrain : IGrainWithIntegerKey
{
    [ReadOnly]
    ValueTask<TrendingRanking> GetRanking();
}
