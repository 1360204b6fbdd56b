using System.Text.Json;
using Actors.Grains.Data;
using Actors.Grains.Outbox;
using Actors.Grains.Posts;
using Actors.Grains.Users;
using Npgsql;

namespace Actors.Grains.Tests;

/// <summary>
/// Every query a silo runs on a timer reads an index, however large its table grows. Sequential scans
/// are priced out (enable_seqscan off), so a plan still scanning a table has no index that serves it.
/// </summary>
public sealed class PeriodicQueryPlanTests
{
    public static TheoryData<string> Queries => new(
        nameof(OutboxSql.Backlog), nameof(OutboxSql.Claim), nameof(OutboxSql.PurgeProcessed),
        nameof(IdempotencySql.Purge), nameof(PostSql.PurgeViewBuckets), nameof(UserSql.PurgeExpiredSignUps),
        nameof(PostSql.Ranking));

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task A_periodic_query_scans_no_table_whole(string query)
    {
        var (sql, parameters) = Statement(query);
        await using var db = NpgsqlDataSource.Create(TestDatabase.ConnectionString);
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var off = new NpgsqlCommand("SET LOCAL enable_seqscan = off", connection, transaction))
        {
            await off.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + sql, connection, transaction);
        explain.Parameters.AddRange(parameters);
        var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
        var scanned = SeqScans(plan.RootElement).ToList();
        await transaction.RollbackAsync();

        Assert.True(scanned.Count == 0, $"{query} scans {string.Join(", ", scanned)} whole:\n{plan.RootElement}");
    }

    private static (string Sql, NpgsqlParameter[] Parameters) Statement(string query)
    {
        var now = DateTimeOffset.UtcNow;
        return query switch
        {
            nameof(OutboxSql.Backlog) => (OutboxSql.Backlog, []),
            nameof(OutboxSql.Claim) => (OutboxSql.Claim, [P("relay"), P(100), P(TimeSpan.FromSeconds(30)), P(1000)]),
            nameof(OutboxSql.PurgeProcessed) => (OutboxSql.PurgeProcessed, [P(now), P(5000)]),
            nameof(IdempotencySql.Purge) => (IdempotencySql.Purge, [P(now), P(5000)]),
            nameof(PostSql.PurgeViewBuckets) => (PostSql.PurgeViewBuckets, [P(now), P(5000)]),
            nameof(UserSql.PurgeExpiredSignUps) => (UserSql.PurgeExpiredSignUps, [P(now), P(5000)]),
            nameof(PostSql.Ranking) => (PostSql.Ranking, [P(now.AddDays(-1)), P(50), P(0.1)]),
            _ => throw new ArgumentOutOfRangeException(nameof(query)),
        };
    }

    private static NpgsqlParameter<T> P<T>(T value) => new() { TypedValue = value };

    private static IEnumerable<string> SeqScans(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var scan in SeqScans(item))
                {
                    yield return scan;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("Node Type", out var type) && type.GetString() == "Seq Scan")
            {
                yield return element.GetProperty("Relation Name").GetString()!;
            }

            foreach (var property in element.EnumerateObject())
            {
                foreach (var scan in SeqScans(property.Value))
                {
                    yield return scan;
                }
            }
        }
    }
}
