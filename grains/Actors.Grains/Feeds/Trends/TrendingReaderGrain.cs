using Actors.Grains.Abstractions.Feeds;
using Actors.Grains.Feeds.Timelines;
using Orleans.Concurrency;

namespace Actors.Grains.Feeds.Trends;

/// <inheritdoc cref="ITrendingReaderGrain"/>
[StatelessWorker]
public sealed class TrendingReaderGrain(FeedAssembler assembler) : Grain, ITrendingReaderGrain
{
    public async ValueTask<Trending> GetTrending(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var ranking = await GrainFactory.GetGrain<ITrendingGrain>(0).GetRanking();
        var (items, _) = await assembler.AssembleAsync([.. ranking.Entries.Take(limit)]);
        return new Trending(items, ranking.ComputedAt);
    }
}
