using Actors.Grains.Data;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Actors.Grains.Tests;

/// <summary>Group commit against real PostgreSQL: concurrent writes of a silo share a transaction, and each keeps its own outcome.</summary>
[Collection(SharedCluster.Name)]
public sealed class GroupCommitTests(ClusterFixture fixture)
{
    private const int Writes = 40;

    [Fact]
    public async Task Concurrent_writes_commit_together_and_one_that_fails_fails_no_other()
    {
        var table = $"group_commit_{Guid.NewGuid():N}";
        await ExecuteAsync($"CREATE TABLE {table} (id uuid PRIMARY KEY, tx bigint NOT NULL)");
        try
        {
            var groups = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<GroupCommit>();
            var taken = Guid.NewGuid();
            await groups.WriteAsync("test.insert", Insert(table, taken));

            // All at once, the taken id among them: it fails, in whichever group it lands.
            var ids = Enumerable.Range(0, Writes).Select(i => i == Writes / 2 ? taken : Guid.NewGuid()).ToList();
            var outcomes = await Task.WhenAll(ids.Select(async id =>
            {
                try
                {
                    return (Id: id, Tx: (long?)await groups.WriteAsync("test.insert", Insert(table, id)), Failure: (PostgresException?)null);
                }
                catch (PostgresException ex)
                {
                    return (Id: id, Tx: null, Failure: ex);
                }
            }));

            var failed = Assert.Single(outcomes, o => o.Failure is not null);
            Assert.Equal(taken, failed.Id);
            Assert.Equal(PostgresErrorCodes.UniqueViolation, failed.Failure!.SqlState);
            var committed = outcomes.Where(o => o.Failure is null).ToList();
            Assert.Equal(Writes - 1, committed.Count);
            Assert.Equal(Writes, await CountAsync(table));
            // Fewer transactions than writes: groups formed while one was in flight.
            var transactions = committed.Select(o => o.Tx).Distinct().Count();
            Assert.True(transactions < committed.Count, $"{committed.Count} writes committed in {transactions} transactions");
        }
        finally
        {
            await ExecuteAsync($"DROP TABLE {table}");
        }
    }

    private static GroupedStatement<long> Insert(string table, Guid id) => new(
        () => new NpgsqlBatchCommand($"INSERT INTO {table} (id, tx) VALUES ($1, txid_current()) RETURNING tx")
        {
            Parameters = { new NpgsqlParameter<Guid> { TypedValue = id } },
        },
        async (reader, ct) => await reader.ReadAsync(ct) ? reader.GetInt64(0) : throw new InvalidOperationException("no row"));

    private async Task ExecuteAsync(string sql)
    {
        await using var command = fixture.Db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string table)
    {
        await using var command = fixture.Db.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
