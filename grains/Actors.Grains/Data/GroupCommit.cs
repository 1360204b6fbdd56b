using System.Runtime.ExceptionServices;
using Actors.Grains.Abstractions;
using Npgsql;

namespace Actors.Grains.Data;

/// <summary>
/// Concurrent writes of one silo in one round trip and one transaction: those that arrive while a group
/// is in flight go together into the next (up to <see cref="Limit"/>), so under load PostgreSQL commits,
/// and flushes its log, once for many writes. Each keeps its own outcome: when one statement fails, the
/// whole transaction rolls back and nothing of the group is committed; that statement answers with its
/// failure, and the others run again together. A lone write runs alone at once.
/// </summary>
public sealed class GroupCommit
{
    /// <summary>Most statements in one group.</summary>
    public const int Limit = 64;

    private readonly Database _database;
    private readonly Batcher<Pending, Exception?> _groups;

    public GroupCommit(Database database)
    {
        _database = database;
        _groups = new(RunAsync, TimeSpan.Zero, Limit);
    }

    /// <summary>Runs the statement in the next group; answers what it read, or throws what a write alone would.</summary>
    internal async Task<TRow> WriteAsync<TRow>(string operation, GroupedStatement<TRow> statement)
    {
        var pending = new Pending<TRow>(operation, statement);
        if (await _groups.RunAsync(pending).ConfigureAwait(false) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return pending.Row!;
    }

    private async Task<IReadOnlyList<Exception?>> RunAsync(IReadOnlyList<Pending> group)
    {
        var outcomes = new Exception?[group.Count];
        var left = Enumerable.Range(0, group.Count).ToList();
        while (left.Count > 1)
        {
            // The statement whose answer is being read: the server runs them in order and stops at the first
            // that fails, whose error arrives in its place.
            var reading = -1;
            try
            {
                await _database.WriteAsync(group[left[0]].Operation + ".group", async (connection, ct) =>
                {
                    await using var batch = new NpgsqlBatch(connection);
                    foreach (var i in left)
                    {
                        batch.BatchCommands.Add(group[i].Command());
                    }

                    reading = 0;
                    await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    for (var n = 0; n < left.Count; n++)
                    {
                        reading = n;
                        if (n > 0)
                        {
                            await reader.NextResultAsync(ct).ConfigureAwait(false);
                        }

                        await group[left[n]].ReadAsync(reader, ct).ConfigureAwait(false);
                    }

                    reading = -1;
                    return true;
                }).ConfigureAwait(false);
                return outcomes;
            }
            catch (PostgresException ex) when (reading >= 0 && left[reading] is var i)
            {
                // That statement failed (a taken key, a missing row) and the group's transaction rolled back
                // whole: the statement has its answer, and the others go again together.
                outcomes[i] = ex;
                left.Remove(i);
            }
            catch (PostgresException)
            {
                // A failure no statement owns: nothing committed; each runs alone for its own outcome.
                foreach (var i in left)
                {
                    outcomes[i] = await AloneAsync(group[i]).ConfigureAwait(false);
                }

                return outcomes;
            }
            catch (StoreUnavailableException ex)
            {
                // Each caller gets an exception of its own, with what is known of the outcome.
                foreach (var i in left)
                {
                    outcomes[i] = new StoreUnavailableException(ex.Message) { OutcomeUnknown = ex.OutcomeUnknown };
                }

                return outcomes;
            }
        }

        if (left.Count == 1)
        {
            outcomes[left[0]] = await AloneAsync(group[left[0]]).ConfigureAwait(false);
        }

        return outcomes;
    }

    private async Task<Exception?> AloneAsync(Pending pending)
    {
        try
        {
            await _database.WriteAsync(pending.Operation, async (connection, ct) =>
            {
                await using var batch = new NpgsqlBatch(connection) { BatchCommands = { pending.Command() } };
                await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await pending.ReadAsync(reader, ct).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is PostgresException or StoreUnavailableException)
        {
            return ex;
        }
    }

    private abstract class Pending(string operation)
    {
        public string Operation { get; } = operation;

        public abstract NpgsqlBatchCommand Command();

        public abstract Task ReadAsync(NpgsqlDataReader reader, CancellationToken ct);
    }

    private sealed class Pending<TRow>(string operation, GroupedStatement<TRow> statement) : Pending(operation)
    {
        public TRow? Row { get; private set; }

        public override NpgsqlBatchCommand Command() => statement.Command();

        public override async Task ReadAsync(NpgsqlDataReader reader, CancellationToken ct) =>
            Row = await statement.Read(reader, ct).ConfigureAwait(false);
    }
}
