using System.Net;
using System.Text.Json;
using Actors.Stack.Tests.Infrastructure;
using Npgsql;

namespace Actors.Stack.Tests;

/// <summary>Its own stack: this test stops every silo, which the shared stack's tests would not survive.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Everything_acknowledged_is_read_back_unchanged_after_every_silo_is_replaced()
    {
        await using var stack = await Deployment.StartAsync(silos: 2);
        var expected = new Dictionary<string, string>();
        for (var u = 0; u < 5; u++)
        {
            var (id, client, _) = await stack.NewUserAsync();
            (await client.PatchJson($"/api/users/{id}", new { bio = $"bio {u}" })).EnsureSuccessStatusCode();
            for (var p = 0; p < 3; p++)
            {
                var post = await (await client.PostJson("/api/posts", new { body = $"user {u} post {p}" })).Json(HttpStatusCode.Created);
                expected[$"/api/posts/{post.GetProperty("id").GetGuid()}"] = post.GetRawText();
            }

            expected[$"/api/users/{id}"] = await ReadAsync(stack.Http, $"/api/users/{id}");
            expected[$"/api/users/{id}/posts"] = await ReadAsync(stack.Http, $"/api/users/{id}/posts");
        }

        foreach (var silo in stack.Silos.ToList())
        {
            await silo.StopAsync(TimeSpan.FromSeconds(30));
        }

        // A backlog waiting for the relays when the silos start: they must relay it once started, not
        // stumble over streams that do not exist yet.
        await using var db = NpgsqlDataSource.Create(stack.Postgres);
        await using (var backlog = db.CreateCommand("""
            INSERT INTO outbox (event_id, event_type, aggregate_id, payload, occurred_at)
            SELECT gen_random_uuid(), 'UserProfileUpdated', id, jsonb_build_object('eventId', gen_random_uuid(), 'userId', id, 'version', 2, 'occurredAt', now()), now()
            FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, 2000)) ids
            """))
        {
            await backlog.ExecuteNonQueryAsync();
        }

        await Task.WhenAll(stack.StartSiloAsync(0), stack.StartSiloAsync(1));

        // The gateway is not restarted: it finds the new silos through Redis by itself.
        foreach (var (url, json) in expected)
        {
            Assert.Equal(json, await ReadAsync(stack.Http, url, retryUntil: DateTime.UtcNow.AddSeconds(60)));
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        long pending;
        do
        {
            await using var count = db.CreateCommand("SELECT count(*) FROM outbox WHERE processed_at IS NULL");
            pending = (long)(await count.ExecuteScalarAsync())!;
        }
        while (pending > 0 && DateTime.UtcNow < deadline && await Pause());

        Assert.Equal(0, pending);
        Assert.All(stack.Silos.TakeLast(2), s => Assert.False(s.HasExited, s.Output()));
    }

    private static async Task<bool> Pause()
    {
        await Task.Delay(200);
        return true;
    }

    private static async Task<string> ReadAsync(HttpClient http, string url, DateTime? retryUntil = null)
    {
        while (true)
        {
            using var response = await http.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetRawText();
            }

            if (retryUntil is null || DateTime.UtcNow > retryUntil || response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                Assert.Fail($"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(250);
        }
    }
}
