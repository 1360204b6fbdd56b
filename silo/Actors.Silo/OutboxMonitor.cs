using System.Diagnostics.Metrics;
using Npgsql;

namespace Actors.Silo;

/// <summary>
/// Publishes the outbox backlog (meter "Actors.Silo"): events waiting, the age of the oldest one and
/// events parked as dead letters. Read from PostgreSQL on a timer (the partial pending index keeps
/// that cheap) because gauges are observed synchronously at scrape time.
/// </summary>
internal sealed partial class OutboxMonitor : BackgroundService
{
    public const string MeterName = "Actors.Silo";
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly ILogger<OutboxMonitor> _logger;
    private long _pending;
    private long _deadLettered;
    private DateTimeOffset? _oldestPending;

    public OutboxMonitor(NpgsqlDataSource dataSource, IMeterFactory meters, TimeProvider clock, ILogger<OutboxMonitor> logger)
    {
        _dataSource = dataSource;
        _clock = clock;
        _logger = logger;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("actors.outbox.pending", () => Volatile.Read(ref _pending), "{event}",
            "Outbox events not yet processed by their consumers.");
        meter.CreateObservableGauge("actors.outbox.oldest_pending_age", OldestAge, "s",
            "Age of the oldest unprocessed outbox event: how far consumers lag behind.");
        meter.CreateObservableGauge("actors.outbox.dead_lettered", () => Volatile.Read(ref _deadLettered), "{event}",
            "Outbox events parked after too many failed attempts.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, _clock);
        do
        {
            try
            {
                await ReadAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LogUnavailable(_logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("""
            SELECT count(*) FILTER (WHERE dead_lettered_at IS NULL),
                   min(occurred_at) FILTER (WHERE dead_lettered_at IS NULL),
                   (SELECT count(*) FROM outbox WHERE dead_lettered_at IS NOT NULL)
            FROM outbox WHERE processed_at IS NULL
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _pending, reader.GetInt64(0));
        _oldestPending = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
        Volatile.Write(ref _deadLettered, reader.GetInt64(2));
    }

    private double OldestAge() => _oldestPending is { } oldest ? Math.Max(0, (_clock.GetUtcNow() - oldest).TotalSeconds) : 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the outbox backlog: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
