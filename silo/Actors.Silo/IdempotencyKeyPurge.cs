using Npgsql;

namespace Actors.Silo;

/// <summary>
/// Deletes Idempotency-Key records older than their retention, so the table stays bounded and a
/// client may reuse a key after it expired. Clients retry within minutes; a day is generous. Every
/// silo runs it; the DELETE is idempotent, so concurrent runs only repeat a cheap no-op.
/// </summary>
internal sealed partial class IdempotencyKeyPurge(
    NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<SiloHostOptions> options, TimeProvider clock, ILogger<IdempotencyKeyPurge> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.IdempotencyKeyPurgePeriod, clock);
        do
        {
            try
            {
                await using var command = dataSource.CreateCommand("DELETE FROM idempotency_keys WHERE created_at < $1");
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() - settings.IdempotencyKeyRetention });
                var purged = await command.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                if (purged > 0)
                {
                    LogPurged(logger, purged);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LogFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired idempotency keys")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not purge expired idempotency keys: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
