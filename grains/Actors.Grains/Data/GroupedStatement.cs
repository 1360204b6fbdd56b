using Npgsql;

namespace Actors.Grains.Data;

/// <summary>
/// A write statement that may share a round trip and a transaction with others (<see cref="GroupCommit"/>):
/// the command with its parameters, and how to read its answer.
/// </summary>
/// <typeparam name="TRow">What the statement answers.</typeparam>
internal sealed record GroupedStatement<TRow>(Func<NpgsqlBatchCommand> Command, Func<NpgsqlDataReader, CancellationToken, Task<TRow>> Read);
