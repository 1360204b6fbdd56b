using System.Net;
using System.Net.Http.Json;
using Actors.Stack.Tests.Infrastructure;
using Actors.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Actors.Stack.Tests;

/// <summary>Its own stack: a silo is killed.</summary>
public sealed class BackgroundWorkCrashTests(ITestOutputHelper output)
{
    private const int Users = 250;
    private const int Posts = 250;
    private const int Followers = 5;
    private const int Partitions = 16;

    [Fact]
    public async Task Killing_a_silo_with_events_in_flight_loses_no_sign_up_mail_and_no_post_in_any_timeline()
    {
        await using var stack = await Deployment.StartAsync(silos: 2, siloSettings: new Dictionary<string, string>
        {
            // A dead relay's claims come back quickly, and events keep being retried for as long as the
            // cluster takes to declare the killed silo dead (calls to it time out until then).
            ["Outbox__Lease"] = "00:00:05",
            ["Outbox__RetryBaseDelay"] = "00:00:00.200",
            ["Outbox__RetryMaxDelay"] = "00:00:05",
            ["Outbox__MaxFailures"] = "30",
            ["Outbox__Partitions"] = Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var (author, asAuthor, _) = await stack.NewUserAsync();
        var followers = new List<(Guid Id, HttpClient Client)>();
        for (var i = 0; i < Followers; i++)
        {
            var (id, client, _) = await stack.NewUserAsync();
            (await client.PutAsync($"/api/users/{id}/following/{author}", null)).EnsureSuccessStatusCode();
            (await client.GetAsync("/api/feed")).EnsureSuccessStatusCode(); // the timeline is now in memory
            followers.Add((id, client));
        }

        // 500 events: 250 sign-ups, whose confirmation mails queue behind an SMTP server taking a second per
        // message, then 250 posts (fan-out), the silo killed when half of them are acknowledged.
        stack.Smtp.Delay = TimeSpan.FromSeconds(1);
        await Parallel.ForEachAsync(Enumerable.Range(0, Users), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var tag = $"crash{i}_{Guid.NewGuid():N}"[..20];
            await Retried(stack.Http, "/api/users", new { handle = tag, email = $"{tag}@example.test", displayName = "Crash", password = "correct horse battery" });
        });
        var posted = 0;
        var posting = Parallel.ForEachAsync(Enumerable.Range(0, Posts), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            await Retried(asAuthor, "/api/posts", new { body = $"post {i}" });
            Interlocked.Increment(ref posted);
        });
        while (Volatile.Read(ref posted) < Posts / 2)
        {
            await Task.Delay(10);
        }

        await using var db = NpgsqlDataSource.Create(stack.Postgres);
        var victim = stack.Silos[0];
        var (unfinished, held) = await InFlight(db, victim.Id);
        await victim.KillAsync();
        stack.Smtp.Delay = TimeSpan.FromMilliseconds(20);
        await posting;
        output.WriteLine($"at the kill: {unfinished} events unfinished, {held} of them claimed by the killed silo");
        Assert.True(held > 0, $"the killed silo held none of the {unfinished} unfinished events");

        // Every event is finished by the surviving silo: those the dead relay held come back after their lease.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        long pending;
        do
        {
            await Task.Delay(250);
            await using var count = db.CreateCommand("SELECT count(*) FROM outbox WHERE processed_at IS NULL");
            pending = (long)(await count.ExecuteScalarAsync())!;
        }
        while (pending > 0 && DateTime.UtcNow < deadline);
        Assert.True(pending == 0, await Unfinished(db));

        // One confirmation mail per sign-up. The only repeat possible is a message the server had accepted
        // when the silo died, before the silo could mark it sent: each email consumer (one per partition)
        // handles one delivery at a time, so at most one per partition, with the same Message-ID, so a
        // mail system can drop it.
        var crashUsers = await Rows.ListAsync<Guid>(db, "SELECT id FROM sign_ups WHERE handle LIKE 'crash%'");
        Assert.Equal(Users, crashUsers.Count);
        var mail = stack.Smtp.Received.Where(m => m.SignUpId is not null).GroupBy(m => Guid.Parse(m.SignUpId!)).ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(crashUsers, u => Assert.Single(mail[u].Select(m => m.MessageId).Distinct()));
        var repeats = crashUsers.Sum(u => mail[u].Count - 1);
        await using (var redelivered = db.CreateCommand("SELECT count(*) FROM outbox WHERE attempts > 1"))
        {
            output.WriteLine($"{(long)(await redelivered.ExecuteScalarAsync())!} events needed more than one attempt; {repeats} confirmation mails were delivered twice");
        }

        Assert.InRange(repeats, 0, Partitions);

        // Each post exactly once in each follower's timeline.
        var posts = await Rows.ListAsync<Guid>(db, "SELECT id FROM posts WHERE author_id = $1", author);
        Assert.Equal(Posts, posts.Count);
        foreach (var (_, client) in followers)
        {
            var seen = await Feed(client);
            Assert.Equal(Posts, seen.Count);
            Assert.Equal(posts.Order(), seen.Order());
        }
    }

    // Unfinished events, and how many of them the silo with this process id has claimed under a live lease.
    private static async Task<(long Unfinished, long Held)> InFlight(NpgsqlDataSource db, int processId)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*), count(*) FILTER (WHERE leased_by LIKE $1 AND leased_until > now())
            FROM outbox WHERE processed_at IS NULL
            """);
        command.Parameters.AddWithValue($"%/{processId}/%");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    // Posts with an Idempotency-Key and repeats it while the cluster answers 503 (a silo just died).
    private static async Task Retried(HttpClient client, string url, object body)
    {
        var key = Guid.NewGuid().ToString();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            try
            {
                using var response = await client.SendAsync(request);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted)
                {
                    return;
                }

                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline,
                    $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            catch (TaskCanceledException) when (DateTime.UtcNow < deadline)
            {
                // Timed out against the dead silo: the key makes the repeat safe.
            }

            await Task.Delay(200);
        }
    }

    private static async Task<List<Guid>> Feed(HttpClient client)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync("/api/feed?limit=100" + (cursor is null ? "" : $"&cursor={cursor}"))).Json(HttpStatusCode.OK);
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return ids;
    }

    private static async Task<string> Unfinished(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("""
            SELECT event_type || ' attempts=' || attempts || ' dead=' || (dead_lettered_at IS NOT NULL) || ' ' || coalesce(last_error, '')
            FROM outbox WHERE processed_at IS NULL LIMIT 20
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }
}
