using Npgsql;

namespace Actors.Grains.Data;

/// <summary>
/// One grain write as <see cref="WritePath"/> runs it: the grain states its statement and what the
/// committed answer changes in its memory; the path does the rest in the same order for every write.
/// </summary>
/// <typeparam name="TRow">What the statement answers.</typeparam>
/// <typeparam name="TReply">What the grain answers its caller.</typeparam>
internal sealed class GrainWrite<TRow, TReply>
{
    /// <summary>The operation's name in metrics and logs, for example <c>post.create</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>
    /// Runs the statement on the open connection and reads its answer. Its event, when it has one, goes in
    /// through <see cref="OutboxEntry.AddParameters"/> and <see cref="Outbox.OutboxSql.Announce"/>. A write
    /// states this or <see cref="Grouped"/>.
    /// </summary>
    public Func<NpgsqlConnection, CancellationToken, Task<TRow>>? Statement { get; init; }

    /// <summary>The statement as one that may share a round trip and a transaction with other writes (<see cref="GroupCommit"/>).</summary>
    public GroupedStatement<TRow>? Grouped { get; init; }

    /// <summary>True when the statement commits an outbox event, so the relay is woken after the commit.</summary>
    public bool Announces { get; init; }

    /// <summary>The reply for an integrity violation the statement may meet (a taken email), or null when it is not one of them.</summary>
    public Func<PostgresException, TReply?> Refusal { get; init; } = static _ => default;

    /// <summary>
    /// The outcome is unknown (the statement was sent and the connection failed): make memory reload and
    /// tell whoever may hold what the write may have changed. The failure then reaches the caller.
    /// </summary>
    public required Func<Task> Unknown { get; init; }

    /// <summary>Committed: change memory to the answer and say what to reply. Runs before anyone is told.</summary>
    public required Func<TRow, TReply> Apply { get; init; }

    /// <summary>The gateways holding this grain's value under a lease: told after memory changed, also when the outcome is unknown.</summary>
    public Copies.Holders? Holders { get; init; }

    /// <summary>
    /// Committed and in memory: tell whoever holds a copy of what changed (other grains' counters, silo
    /// copies, leases). The reply waits for it, so no read that starts after the reply sees the old value.
    /// </summary>
    public Func<TRow, Task>? Announce { get; init; }
}
