using Actors.Grains.Abstractions;
using Actors.Grains.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Actors.Grains.Outbox;

/// <summary>
/// The outbox's state changes, each one statement: claim due events under a lease, mark one done,
/// schedule a retry with backoff (or park it as dead-lettered), and replay parked events.
/// </summary>
public sealed class OutboxStore
{
    private readonly Database _database;
    private readonly OutboxOptions _options;
    private readonly Batcher<Guid, bool> _completions;

    public OutboxStore(Database database, IOptions<OutboxOptions> options)
    {
        _database = database;
        _options = options.Value;
        _completions = new Batcher<Guid, bool>(CompleteManyAsync, _options.CompletionLinger, 1000);
    }

    public Task<List<ClaimedEvent>> ClaimAsync(string relay) =>
        _database.WriteBookkeepingAsync("outbox.claim", (connection, ct) => Sql.ReadAllAsync(
            Sql.Command(connection, OutboxSql.Claim, Sql.Value(relay), Sql.Value(_options.BatchSize), Sql.Value(_options.Lease),
                Sql.Value(_options.MaxInFlight)),
            r => new ClaimedEvent(r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
                r.IsDBNull(5) ? null : r.GetString(5)), ct));

    /// <summary>
    /// Whether a delivery should still be applied: false when the event is done or parked, or when its
    /// lease ran out and a later claim handed it out again (that later delivery applies it instead).
    /// </summary>
    public Task<bool> IsCurrentAsync(Guid eventId, int attempt) =>
        _database.ReadAsync("outbox.current", async (connection, ct) =>
        {
            await using var command = Sql.Command(connection, OutboxSql.IsCurrent, Sql.Value(eventId), Sql.Value(attempt));
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
        });

    /// <summary>
    /// Marks an applied event done, together with the other events the silo's consumers applied within
    /// <see cref="OutboxOptions.CompletionLinger"/>: one statement for all of them. False when the event
    /// was already done (a repeated delivery).
    /// </summary>
    public Task<bool> CompleteAsync(Guid eventId) => _completions.RunAsync(eventId);

    /// <summary>Marks events done that nothing consumes (the relay finishes them itself).</summary>
    public Task CompleteAsync(IReadOnlyCollection<Guid> eventIds) => CompleteManyAsync([.. eventIds]);

    /// <summary>One statement finishing <paramref name="events"/>; answers, per item, whether it finished that event.</summary>
    private Task<IReadOnlyList<bool>> CompleteManyAsync(IReadOnlyList<Guid> events) =>
        _database.WriteBookkeepingAsync<IReadOnlyList<bool>>("outbox.complete", async (connection, ct) =>
        {
            var finished = (await Sql.ReadAllAsync(
                Sql.Command(connection, OutboxSql.Complete, Sql.Value(events.Distinct().ToArray())),
                r => r.GetGuid(0), ct).ConfigureAwait(false)).ToHashSet();
            // An event twice in one batch (two deliveries) is finished by the first of them only.
            return events.Select(e => finished.Remove(e)).ToList();
        });

    /// <summary>
    /// Counts a failure and schedules the next attempt with exponential backoff and jitter; true when the
    /// event was parked instead: after <see cref="OutboxOptions.MaxFailures"/> failures, or at once when
    /// the failure is <paramref name="permanent"/> (retrying cannot help). Only the event's latest claim
    /// counts: a stale delivery's failure changes nothing.
    /// </summary>
    public Task<bool> FailAsync(Guid eventId, int attempt, string error, bool permanent = false) =>
        _database.WriteAsync("outbox.fail", async (connection, ct) =>
        {
            var delays = Enumerable.Range(1, _options.MaxFailures).Select(RetryDelay).ToArray();
            await using var command = Sql.Command(connection, OutboxSql.Fail,
                Sql.Value(eventId), Sql.Value(error), Sql.Value(delays), Sql.Value(_options.MaxFailures), Sql.Value(attempt), Sql.Value(permanent));
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
        });

    /// <summary>Puts parked events (one, or all when null) back in the queue with fresh attempts.</summary>
    public Task<List<Guid>> ReplayAsync(Guid? eventId) =>
        _database.WriteAsync("outbox.replay", (connection, ct) => Sql.ReadAllAsync(
            Sql.Command(connection, OutboxSql.Replay, new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid, Value = (object?)eventId ?? DBNull.Value }),
            r => r.GetGuid(0), ct));

    public Task<List<DeadLetter>> DeadLettersAsync(int limit) =>
        _database.ReadAsync("outbox.dead-letters", (connection, ct) => Sql.ReadAllAsync(
            Sql.Command(connection, OutboxSql.DeadLetters, Sql.Value(limit)),
            r => new DeadLetter(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetInt32(3), r.GetInt32(4), r.GetFieldValue<DateTimeOffset>(5),
                r.IsDBNull(6) ? null : r.GetString(6)), ct));

    /// <summary>The delay after failure number <paramref name="failures"/>: between <see cref="ShortestRetryDelay"/> and twice it (jitter).</summary>
    public TimeSpan RetryDelay(int failures) => ShortestRetryDelay(failures) * (1 + Random.Shared.NextDouble());

    /// <summary>Half of base × 2^(failures − 1), capped at the largest delay: the least a retry waits.</summary>
    public TimeSpan ShortestRetryDelay(int failures)
    {
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var ceiling = Math.Min(_options.RetryMaxDelay.TotalMilliseconds, _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling / 2);
    }
}
