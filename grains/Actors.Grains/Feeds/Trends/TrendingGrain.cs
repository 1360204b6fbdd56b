using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Feeds;
using Actors.Grains.Data;
using Actors.Grains.Posts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Feeds.Trends;

/// <summary>
/// The cluster's trending ranking: posts by likes within <see cref="FeedOptions.TrendingWindow"/>, plus
/// <see cref="FeedOptions.TrendingViewWeight"/> times their views in that window.
/// A read gets the last ranking at once; when it is older than <see cref="FeedOptions.TrendingRefresh"/>
/// one background recomputation starts (stale-while-revalidate). A ranking older than
/// <see cref="FeedOptions.TrendingMaxAge"/> is never served: that read waits for the new one.
/// </summary>
public sealed partial class TrendingGrain(Database database, IOptions<FeedOptions> options, TimeProvider clock, ILogger<TrendingGrain> logger)
    : Grain, ITrendingGrain
{
    private readonly FeedOptions _options = options.Value;
    private TrendingRanking? _ranking;
    private Task<TrendingRanking>? _computing;

    public async ValueTask<TrendingRanking> GetRanking()
    {
        var now = clock.GetUtcNow();
        if (_ranking is null || now - _ranking.ComputedAt > _options.TrendingMaxAge)
        {
            return await Recompute();
        }

        if (now - _ranking.ComputedAt > _options.TrendingRefresh && _computing is null)
        {
            _ = RefreshInBackground();
        }

        return _ranking;
    }

    // Concurrent reads (read-only calls interleave) share one computation.
    private Task<TrendingRanking> Recompute()
    {
        if (_computing is { } running)
        {
            return running;
        }

        var computing = Compute();
        if (!computing.IsCompleted)
        {
            _computing = computing;
        }

        return computing;

        async Task<TrendingRanking> Compute()
        {
            try
            {
                var computedAt = Time.Now(clock);
                var entries = await database.ReadAsync("trending.rank", (connection, ct) =>
                    Sql.ReadAllAsync(Sql.Command(connection, PostSql.Ranking,
                        Sql.Value(computedAt - _options.TrendingWindow), Sql.Value(_options.TrendingSize), Sql.Value(_options.TrendingViewWeight)),
                        r => new TimelineEntry(r.GetGuid(0), r.GetGuid(1), r.GetFieldValue<DateTimeOffset>(2)), ct));
                return _ranking = new TrendingRanking(entries, computedAt);
            }
            finally
            {
                _computing = null;
            }
        }
    }

    private async Task RefreshInBackground()
    {
        try
        {
            await Recompute();
        }
        catch (StoreUnavailableException ex)
        {
            // The last ranking stays in service until it reaches TrendingMaxAge.
            LogRefreshFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recomputing the trending ranking failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
