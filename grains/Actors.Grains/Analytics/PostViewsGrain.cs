using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Analytics;
using Actors.Grains.Data;
using Actors.Grains.Posts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Actors.Grains.Analytics;

/// <summary>
/// Sums the view batches gateways publish and writes them every <see cref="AnalyticsOptions.FlushInterval"/>
/// with one statement: each post's total and its hourly bucket (for trending). A failed write keeps the
/// sums for the next tick; deactivation writes what is left.
/// </summary>
[ImplicitStreamSubscription(PostViews.StreamNamespace)]
public sealed partial class PostViewsGrain(Database database, IOptions<AnalyticsOptions> options, TimeProvider clock, ILogger<PostViewsGrain> logger)
    : Grain, IPostViewsGrain, IStreamSubscriptionObserver, IAsyncObserver<PostViews>
{
    private readonly AnalyticsOptions _options = options.Value;
    private Dictionary<Guid, long> _pending = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(Flush, new GrainTimerCreationOptions(_options.FlushInterval, _options.FlushInterval) { Interleave = false });
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await Flush(cancellationToken);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<PostViews>().ResumeAsync(this);

    public Task OnNextAsync(PostViews item, StreamSequenceToken? token = null)
    {
        for (var i = 0; i < item.PostIds.Length; i++)
        {
            if (_pending.TryGetValue(item.PostIds[i], out var sum))
            {
                _pending[item.PostIds[i]] = sum + item.Counts[i];
            }
            else if (_pending.Count < _options.MaxPendingPosts)
            {
                _pending[item.PostIds[i]] = item.Counts[i];
            }
        }

        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private async Task Flush(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var batch = _pending;
        _pending = [];
        var now = clock.GetUtcNow();
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        try
        {
            await database.WriteAsync("views.flush", async (connection, ct) =>
            {
                await using var command = Sql.Command(connection, PostSql.AddViews,
                    Sql.Value(batch.Keys.ToArray()), Sql.Value(batch.Values.ToArray()), Sql.Value(hour));
                return await command.ExecuteNonQueryAsync(ct);
            });
        }
        catch (StoreUnavailableException ex) when (!ex.OutcomeUnknown)
        {
            // Nothing was written: keep the sums for the next tick.
            foreach (var (post, views) in batch)
            {
                _pending[post] = _pending.GetValueOrDefault(post) + views;
            }

            LogFlushFailed(logger, batch.Count, ex.Message);
        }
        catch (StoreUnavailableException ex)
        {
            // Perhaps written, perhaps not: dropping them risks losing views, keeping them risks counting
            // them twice. Views are allowed a bounded loss, never an inflation.
            LogFlushFailed(logger, batch.Count, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the views of {Posts} posts: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, int posts, string reason);
}
