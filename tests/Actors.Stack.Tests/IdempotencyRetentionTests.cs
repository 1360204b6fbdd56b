using Npgsql;

namespace Actors.Stack.Tests;

[Collection(TightLimitsGroup.Name)]
public sealed class IdempotencyRetentionTests(TightLimitsFixture fixture)
{
    [Fact]
    public async Task Keys_older_than_the_retention_are_purged_and_recent_ones_kept()
    {
        await using var db = NpgsqlDataSource.Create(fixture.Stack.Postgres);
        var scope = $"retention-test:{Guid.NewGuid():N}";
        await using (var insert = db.CreateCommand("""
            INSERT INTO idempotency_keys (scope, key, request_hash, resource_id, created_at)
            VALUES ($1, 'old', '\x00', gen_random_uuid(), now() - interval '2 days'),
                   ($1, 'new', '\x00', gen_random_uuid(), now())
            """))
        {
            insert.Parameters.AddWithValue(scope);
            await insert.ExecuteNonQueryAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await Keys(db, scope) is var keys && keys.Contains("old"))
        {
            await Task.Delay(200, timeout.Token);
        }

        Assert.Equal(["new"], await Keys(db, scope));
    }

    private static async Task<List<string>> Keys(NpgsqlDataSource db, string scope)
    {
        await using var command = db.CreateCommand("SELECT key FROM idempotency_keys WHERE scope = $1 ORDER BY key");
        command.Parameters.AddWithValue(scope);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}
