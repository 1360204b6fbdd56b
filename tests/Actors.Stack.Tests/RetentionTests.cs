using System.Diagnostics;
using System.Net;
using Actors.Stack.Tests.Infrastructure;
using Actors.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Actors.Stack.Tests;

/// <summary>
/// Finished bookkeeping is purged as fast as it is written: processed outbox events, expired
/// Idempotency-Keys and view counts older than trending reads. Retention here is seconds, the purge
/// runs every second in batches of 500, and the tables must come back down once writes stop.
/// </summary>
public sealed class RetentionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Retention = TimeSpan.FromSeconds(3);
    private Deployment? _stack;

    private Deployment Stack => _stack ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _stack = await Deployment.StartAsync(silos: 2, siloSettings: new Dictionary<string, string>
    {
        ["Retention__Period"] = "00:00:01",
        ["Retention__BatchSize"] = "500",
        ["Retention__ProcessedEvents"] = "00:00:03",
        ["Retention__IdempotencyKeys"] = "00:00:03",
    });

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    [Fact]
    public async Task After_sustained_writes_and_the_retention_period_the_tables_come_back_down()
    {
        await using var db = NpgsqlDataSource.Create(Stack.Postgres);
        // View counts three days old (trending reads one day back) and of this hour.
        var (author, client, _) = await Stack.NewUserAsync();
        using (var first = await client.PostJson("/api/posts", new { body = "viewed" }))
        {
            var post = (await first.Json(HttpStatusCode.Created)).GetProperty("id").GetGuid();
            await Rows.ExecuteAsync(db, """
                INSERT INTO post_view_buckets (post_id, bucket, views)
                SELECT $1, date_trunc('hour', now()) - make_interval(hours => 72 + h), 1 FROM generate_series(0, 1199) h
                UNION ALL SELECT $1, date_trunc('hour', now()), 1
                """, post);
        }

        var writers = new List<HttpClient> { client };
        for (var i = 0; i < 7; i++)
        {
            writers.Add((await Stack.NewUserAsync()).Client);
        }

        var written = 0;
        var peak = (Outbox: 0L, Keys: 0L);
        var clock = Stopwatch.StartNew();
        var sampling = Task.Run(async () =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(12))
            {
                peak = (Math.Max(peak.Outbox, await Rows.ScalarAsync<long>(db, "SELECT count(*) FROM outbox")), Math.Max(peak.Keys, await Rows.ScalarAsync<long>(db, "SELECT count(*) FROM idempotency_keys")));
                await Task.Delay(500);
            }
        });
        await Task.WhenAll(writers.Select(writer => Task.Run(async () =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(12))
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts") { Content = System.Net.Http.Json.JsonContent.Create(new { body = "sustained" }) };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                using var response = await writer.SendAsync(request);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                Interlocked.Increment(ref written);
            }
        })));
        await sampling;

        // Every event is processed within moments; then retention runs out, then a purge or two.
        var deadline = Stopwatch.StartNew();
        long outbox, keys, oldBuckets;
        do
        {
            await Task.Delay(500);
            outbox = await Rows.ScalarAsync<long>(db, "SELECT count(*) FROM outbox");
            keys = await Rows.ScalarAsync<long>(db, "SELECT count(*) FROM idempotency_keys");
            oldBuckets = await Rows.ScalarAsync<long>(db, "SELECT count(*) FROM post_view_buckets WHERE bucket < now() - interval '2 days'");
        }
        while ((outbox > 0 || keys > 0 || oldBuckets > 0) && deadline.Elapsed < TimeSpan.FromSeconds(30));

        output.WriteLine($"{written} posts in 12 s ({written / 12.0:0}/s); peak outbox {peak.Outbox} rows, keys {peak.Keys}; "
            + $"{deadline.Elapsed.TotalSeconds:0.0} s after the writes: outbox {outbox}, keys {keys}, old view buckets {oldBuckets}");
        Assert.True(written > 200, $"only {written} posts were written");
        Assert.Equal(0, outbox);
        Assert.Equal(0, keys);
        Assert.Equal(0, oldBuckets);
        Assert.Equal(1, await Rows.ScalarAsync<long>(db, "SELECT count(*) FROM post_view_buckets"));
        // While writing, the outbox held about the retention's worth of events, not the whole run's.
        Assert.True(peak.Outbox < written * 0.75, $"the outbox peaked at {peak.Outbox} rows for {written} posts");
    }
}
