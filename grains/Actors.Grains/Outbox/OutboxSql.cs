namespace Actors.Grains.Outbox;

/// <summary>
/// The outbox table's statements: how a write's statement records its event (built in one place), and
/// the relay's claims, completions, retries, dead letters and replays, the backlog gauge and the purge.
/// </summary>
internal static class OutboxSql
{
    /// <summary>
    /// An INSERT of the write's event for each row <paramref name="source"/> returns, so no event exists
    /// for a change that matched nothing. Parameters: the entry's (<c>@event_id</c>, <c>@event_type</c>,
    /// <c>@event_payload</c>, <c>@trace_parent</c>, see <see cref="Data.OutboxEntry.AddParameters"/>) and <c>@now</c>.
    /// </summary>
    /// <param name="source">The CTE whose rows announce the event.</param>
    /// <param name="aggregate">The column of <paramref name="source"/> naming the entity the event is about.</param>
    /// <param name="payload">The payload expression; the entry's JSON unless the statement completes it.</param>
    public static string Announce(string source, string aggregate = "id", string payload = "@event_payload") => $"""
        INSERT INTO outbox (event_id, event_type, aggregate_id, payload, occurred_at, trace_parent)
            SELECT @event_id, @event_type, {aggregate}, {payload}, @now, @trace_parent FROM {source}
        """;

    // $1 relay, $2 batch size, $3 lease, $4 most events in flight for this relay. Claiming pushes
    // next_attempt_at one lease ahead: the event is due again only if nobody finishes it meanwhile.
    public const string Claim = """
        WITH due AS (
            SELECT seq FROM outbox
            WHERE processed_at IS NULL AND dead_lettered_at IS NULL AND next_attempt_at <= now()
            ORDER BY next_attempt_at, seq
            LIMIT LEAST($2, GREATEST(0, $4 - (
                SELECT count(*) FROM outbox
                WHERE leased_by = $1 AND leased_until > now() AND processed_at IS NULL AND dead_lettered_at IS NULL)))
            FOR UPDATE SKIP LOCKED
        )
        UPDATE outbox o SET attempts = o.attempts + 1, leased_by = $1, leased_until = now() + $3, next_attempt_at = now() + $3
        FROM due WHERE o.seq = due.seq
        RETURNING o.seq, o.event_id, o.event_type, o.payload::text, o.attempts, o.trace_parent
        """;

    // $1 event, $2 the delivery's attempt: true only while the event is unfinished and no later claim
    // has handed it out again.
    public const string IsCurrent = """
        SELECT EXISTS (SELECT 1 FROM outbox
            WHERE event_id = $1 AND attempts = $2 AND processed_at IS NULL AND dead_lettered_at IS NULL)
        """;

    // $1 events applied (or needing nothing): finishes those still unfinished, whichever claim delivered
    // them (an applied effect is done, and a later copy of the event then finds it finished).
    public const string Complete = """
        UPDATE outbox SET processed_at = now(), leased_until = NULL, last_error = NULL
        WHERE event_id = ANY($1) AND processed_at IS NULL
        RETURNING event_id
        """;

    // $1 event, $2 error, $3 the delay after each failure count (1-based), $4 failures allowed, $5 the
    // failed delivery's attempt, $6 the failure is permanent (park at once). A delivery whose lease ran
    // out and was claimed again since changes nothing. Answers true when the event is now parked.
    public const string Fail = """
        UPDATE outbox SET leased_until = NULL, last_error = left($2, 2000), failures = failures + 1,
            next_attempt_at = now() + $3[least(failures + 1, cardinality($3))],
            dead_lettered_at = CASE WHEN $6 OR failures + 1 >= $4 THEN now() END
        WHERE event_id = $1 AND attempts = $5 AND processed_at IS NULL AND dead_lettered_at IS NULL
        RETURNING dead_lettered_at IS NOT NULL
        """;

    public const string Replay = """
        UPDATE outbox SET dead_lettered_at = NULL, attempts = 0, failures = 0, next_attempt_at = now(), leased_until = NULL, last_error = NULL
        WHERE dead_lettered_at IS NOT NULL AND ($1::uuid IS NULL OR event_id = $1)
        RETURNING event_id
        """;

    public const string DeadLetters = """
        SELECT event_id, event_type, aggregate_id, attempts, failures, dead_lettered_at, last_error
        FROM outbox WHERE dead_lettered_at IS NOT NULL
        ORDER BY dead_lettered_at, seq LIMIT $1
        """;

    // outbox_unprocessed_idx (occurred_at) WHERE processed_at IS NULL: unprocessed rows only, however
    // long the history; dead letters through outbox_dead_letter_idx.
    public const string Backlog = """
        SELECT count(*) FILTER (WHERE dead_lettered_at IS NULL), min(occurred_at) FILTER (WHERE dead_lettered_at IS NULL),
               count(*) FILTER (WHERE dead_lettered_at IS NOT NULL)
        FROM outbox WHERE processed_at IS NULL
        """;

    // Processed events older than $1, at most $2, for the retention purge (outbox_processed_idx; a
    // strict comparison on processed_at implies the index's IS NOT NULL). SKIP LOCKED lets every silo
    // purge at once.
    public const string PurgeProcessed = """
        DELETE FROM outbox WHERE seq IN (
            SELECT seq FROM outbox WHERE processed_at < $1 ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        """;
}
