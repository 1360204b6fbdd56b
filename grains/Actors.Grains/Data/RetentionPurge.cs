using Actors.Grains.Abstractions;
using Actors.Grains.Feeds;
using Actors.Grains.Outbox;
using Actors.Grains.Posts;
using Actors.Grains.Users;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Data;

/// <summary>
/// The one purge of finished bookkeeping: processed outbox events, expired Idempotency-Keys, view
/// counts older than trending reads and sign-ups whose confirmation link expired. Every <see cref="RetentionOptions.Period"/> each table is purged
/// batch by batch until nothing past its retention is left, so deletion keeps pace with any write rate
/// the database itself keeps up with. Every silo runs it; batches skip rows another silo is deleting.
/// Purges are bookkeeping: a crash only leaves rows for the next run.
/// </summary>
public sealed partial class RetentionPurge(
    Database database, IOptions<RetentionOptions> options, IOptions<FeedOptions> feed, TimeProvider clock, ILogger<RetentionPurge> logger)
    : BackgroundService
{
    private readonly RetentionOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Period, clock);
        do
        {
            var now = clock.GetUtcNow();
            await PurgeAsync("outbox.purge", OutboxSql.PurgeProcessed, now - _options.ProcessedEvents, stoppingToken);
            await PurgeAsync("idempotency.purge", IdempotencySql.Purge, now - _options.IdempotencyKeys, stoppingToken);
            var views = _options.ViewBuckets > feed.Value.TrendingWindow + TimeSpan.FromHours(1)
                ? _options.ViewBuckets
                : feed.Value.TrendingWindow + TimeSpan.FromHours(1);
            await PurgeAsync("views.purge", PostSql.PurgeViewBuckets, now - views, stoppingToken);
            await PurgeAsync("sign-ups.purge", UserSql.PurgeExpiredSignUps, now, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes in batches until a batch comes back short; answers the rows deleted.</summary>
    private async Task PurgeAsync(string operation, string statement, DateTimeOffset before, CancellationToken stoppingToken)
    {
        var total = 0L;
        try
        {
            int deleted;
            do
            {
                stoppingToken.ThrowIfCancellationRequested();
                deleted = await database.WriteBookkeepingAsync(operation, (connection, ct) =>
                    Sql.ExecuteAsync(Sql.Command(connection, statement, Sql.Value(before), Sql.Value(_options.BatchSize)), ct));
                total += deleted;
            }
            while (deleted >= _options.BatchSize);
        }
        catch (StoreUnavailableException ex)
        {
            LogUnavailable(logger, operation, ex.Message);
        }

        if (total > 0)
        {
            LogPurged(logger, operation, total);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Operation}: deleted {Count} rows past retention")]
    private static partial void LogPurged(ILogger logger, string operation, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} skipped, the database is unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string operation, string reason);
}
