using System.Text.Json;
using Actors.Grains.Data;
using Actors.Grains.Feeds;
using Actors.Grains.Outbox;
using Npgsql;

namespace Actors.Grains.Tests;

/// <summary>
/// Every query a silo runs on a timer reads an index, however large its table grows. Sequential scans
/// are priced out (enable_seqscan off), so a plan still scanning a table has no index that serves it.
/// </summary>
public sealed class PeriodicQueryPlanTests
{
    public static TheoryData<string> Queries => new(
        nameof(OutboxBacklog.BacklogSql), nameof(OutboxStore.ClaimSql), nameof(RetentionSql.ProcessedEvents),
        nameof(RetentionSql.IdempotencyKeys), nameof(RetentionSql.ViewBuckets), nameof(RetentionSql.ExpiredSignUps),
        nameof(FeedRows.Ranking));

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
            nameof(OutboxBacklog.BacklogSql) => (OutboxBacklog.BacklogSql, []),
            nameof(OutboxStore.ClaimSql) => (OutboxStore.ClaimSql, [P("relay"), P(100), P(TimeSpan.FromSeconds(30)), P(1000)]),
            nameof(RetentionSql.ProcessedEvents) => (RetentionSql.ProcessedEvents, [P(now), P(5000)]),
            nameof(RetentionSql.IdempotencyKeys) => (RetentionSql.IdempotencyKeys, [P(now), P(5000)]),
            nameof(RetentionSql.ViewBuckets) => (RetentionSql.ViewBuckets, [P(now), P(5000)]),
            nameof(RetentionSql.ExpiredSignUps) => (RetentionSql.ExpiredSignUps, [P(now), P(5000)]),
            nameof(FeedRows.Ranking) => (FeedRows.Ranking, [P(now.AddDays(-1)), P(50), P(0.1)]),
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
