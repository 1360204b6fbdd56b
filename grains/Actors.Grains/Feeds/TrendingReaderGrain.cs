using Orleans.Concurrency;

namespace Actors.Grains.Feeds;

/// <inheritdoc cref="IFeedReaderGrain"/>
[StatelessWorker]
public sealed class FeedReaderGrain(FeedAssembler assembler) : Grain, IFeedReaderGrain
{
    public async ValueTask<Trending> GetTrending(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var ranking = await GrainFactory.GetGrain<ITrendingGrain>(0).GetRanking();
        var (items, _) = await assembler.AssembleAsync([.. ranking.Entries.Take(limit)]);
        return new Trending(items, ranking.ComputedAt);
    }
}
