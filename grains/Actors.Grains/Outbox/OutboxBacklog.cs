using System.Diagnostics.Metrics;
using Actors.Grains.Abstractions;
using Actors.Grains.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Actors.Grains.Outbox;

/// <summary>
/// Publishes the outbox backlog: events waiting, the age of the oldest one and events parked as dead
/// letters. Read from PostgreSQL on a timer, through partial indexes that hold only unprocessed rows,
/// because gauges are observed synchronously at scrape time.
/// </summary>
public sealed partial class OutboxBacklog : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private readonly Database _database;
    private readonly TimeProvider _clock;
    private readonly ILogger<OutboxBacklog> _logger;
    private long _pending;
    private long _deadLettered;
    private DateTimeOffset? _oldestPending;

    public OutboxBacklog(Database database, IMeterFactory meters, TimeProvider clock, ILogger<OutboxBacklog> logger)
    {
        _database = database;
        _clock = clock;
        _logger = logger;
        var meter = meters.Create(GrainMetrics.MeterName);
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
                var (pending, oldest, deadLettered) = await _database.ReadAsync("outbox.backlog", async (connection, ct) =>
                {
                    await using var command = Sql.Command(connection, OutboxSql.Backlog);
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    await reader.ReadAsync(ct);
                    return (reader.GetInt64(0), reader.IsDBNull(1) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2));
                });
                Volatile.Write(ref _pending, pending);
                _oldestPending = oldest;
                Volatile.Write(ref _deadLettered, deadLettered);
            }
            catch (StoreUnavailableException ex)
            {
                LogUnavailable(_logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private double OldestAge() => _oldestPending is { } oldest ? Math.Max(0, (_clock.GetUtcNow() - oldest).TotalSeconds) : 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the outbox backlog: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
