using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>
/// Two gateways in one cluster, each with its near cache: a read that starts after a write was
/// acknowledged never returns the older value, on either gateway. Each test has its own stack.
/// </summary>
public sealed class NearCacheTests
{
    [Fact]
    public async Task Reads_on_a_second_gateway_never_return_a_value_older_than_the_last_acknowledged_write()
    {
        await using var stack = await Deployment.StartAsync(silos: 2);
        using var reader = await stack.StartExtraGatewayAsync();
        var writers = new List<(Guid Id, HttpClient Client)>();
        var posts = new List<(Guid Id, HttpClient Author)>();
        for (var u = 0; u < 4; u++)
        {
            var (id, client, _) = await stack.NewUserAsync();
            writers.Add((id, client));
            for (var p = 0; p < 5; p++)
            {
                using var created = await client.PostJson("/api/posts", new { body = $"post {p}" });
                posts.Add(((await created.Json(HttpStatusCode.Created)).GetProperty("id").GetGuid(), client));
            }
        }

        // The reading gateway holds every profile and post before the writes start (admitted on the second read).
        for (var read = 0; read < 2; read++)
        {
            foreach (var (id, _) in writers)
            {
                (await reader.GetAsync($"/api/users/{id}")).EnsureSuccessStatusCode();
            }

            foreach (var (id, _) in posts)
            {
                (await reader.GetAsync($"/api/posts/{id}")).EnsureSuccessStatusCode();
            }
        }

        // Acknowledged writes: profile edits (display name "v{round}") and deletions, with the time of
        // each acknowledgement; reads with the time each started.
        var edits = new ConcurrentDictionary<Guid, ConcurrentBag<(long AckedAt, int Round)>>();
        var deletions = new ConcurrentDictionary<Guid, long>();
        var profileReads = new ConcurrentBag<(Guid Id, long StartedAt, int Round)>();
        var postReads = new ConcurrentBag<(Guid Id, long StartedAt, HttpStatusCode Status)>();
        using var done = new CancellationTokenSource();

        var writing = Task.WhenAll(writers.Select(async (writer, index) =>
        {
            for (var round = 1; round <= 25; round++)
            {
                using var edit = await writer.Client.PatchJson($"/api/users/{writer.Id}", new { displayName = $"v{round}" });
                Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
                edits.GetOrAdd(writer.Id, _ => []).Add((Stopwatch.GetTimestamp(), round));
                if (round % 5 == 0)
                {
                    var (postId, author) = posts[(index * 5) + (round / 5) - 1];
                    using var delete = await author.DeleteAsync($"/api/posts/{postId}");
                    Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
                    deletions[postId] = Stopwatch.GetTimestamp();
                }
            }
        })).ContinueWith(_ => done.Cancel(), TaskScheduler.Default);

        var reading = Task.WhenAll(Enumerable.Range(0, 4).Select(async r =>
        {
            var random = new Random(r);
            while (!done.IsCancellationRequested)
            {
                var (userId, _) = writers[random.Next(writers.Count)];
                var started = Stopwatch.GetTimestamp();
                using var profile = await reader.GetAsync($"/api/users/{userId}");
                var name = (await profile.Json(HttpStatusCode.OK)).GetProperty("displayName").GetString()!;
                profileReads.Add((userId, started, name.StartsWith('v') ? int.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture) : 0));

                var (postId, _) = posts[random.Next(posts.Count)];
                started = Stopwatch.GetTimestamp();
                using var post = await reader.GetAsync($"/api/posts/{postId}");
                postReads.Add((postId, started, post.StatusCode));
            }
        }));

        await writing;
        await reading;

        var stale = profileReads.Where(read => edits.TryGetValue(read.Id, out var acked)
            && acked.Where(edit => edit.AckedAt < read.StartedAt).Select(edit => edit.Round).DefaultIfEmpty(0).Max() > read.Round).ToList();
        Assert.True(stale.Count == 0, $"{stale.Count} of {profileReads.Count} profile reads returned an edit older than one acknowledged before they started");
        var resurrected = postReads.Where(read => read.Status != HttpStatusCode.NotFound
            && deletions.TryGetValue(read.Id, out var deletedAt) && deletedAt < read.StartedAt).ToList();
        Assert.True(resurrected.Count == 0, $"{resurrected.Count} post reads found a post deleted before they started");
        Assert.All(postReads, read => Assert.Contains(read.Status, new[] { HttpStatusCode.OK, HttpStatusCode.NotFound }));

        // The reading gateway served from its cache and was told of the changes: the test saw the cache at work.
        var metrics = await reader.GetStringAsync("/metrics");
        Assert.True(Metrics.Value(metrics, "actors_nearcache_lookups_total", "result=\"hit\"") > 0, "no near-cache hit");
        Assert.True(Metrics.Value(metrics, "actors_nearcache_invalidations_total", "kind=\"user\"") > 0, "no profile invalidation");
        Assert.True(Metrics.Value(metrics, "actors_nearcache_invalidations_total", "kind=\"post\"") > 0, "no post invalidation");
        Assert.True(Metrics.Value(metrics, "actors_nearcache_entries", "kind=\"user\"") > 0, "no profile held");
    }

    [Fact]
    public async Task A_write_waits_for_a_holder_that_cannot_answer_only_until_it_distrusts_the_silo_and_it_then_serves_no_old_entry()
    {
        await using var stack = await Deployment.StartAsync(silos: 2,
            siloSettings: new Dictionary<string, string> { ["Leases__Length"] = "00:00:20" });
        var (holder, holderHttp) = await stack.StartExtraGatewayProcessAsync();
        var (id, client, _) = await stack.NewUserAsync();
        using var edit = await client.PatchJson($"/api/users/{id}", new { displayName = "before" });
        edit.EnsureSuccessStatusCode();
        // Read twice: the second read is admitted, and the holder leases the profile.
        Assert.Equal("before", await DisplayName(holderHttp, id));
        Assert.Equal("before", await DisplayName(holderHttp, id));

        // The holder stops answering (frozen, as by a long pause or a partition): its connections stay open.
        await holder.SignalAsync("STOP");
        try
        {
            var writing = Stopwatch.StartNew();
            using var change = await client.PatchJson($"/api/users/{id}", new { displayName = "after" });
            writing.Stop();
            Assert.Equal(HttpStatusCode.OK, change.StatusCode);
            // One revocation attempt (1 s), then the holder's trust in the silo (0.75 s): far from the 20 s lease.
            Assert.True(writing.Elapsed < TimeSpan.FromSeconds(5), $"the write took {writing.Elapsed}");
        }
        finally
        {
            await holder.SignalAsync("CONT");
        }

        // Its lease runs for many seconds more, but the silo no longer vouches for itself to it, also once
        // the holder asks it again: every read it serves from now on is the new value, never its entry.
        var reading = Stopwatch.StartNew();
        while (reading.Elapsed < TimeSpan.FromSeconds(2))
        {
            Assert.Equal("after", await DisplayName(holderHttp, id));
        }
    }

    private static async Task<string> DisplayName(HttpClient http, Guid id)
    {
        using var read = await http.GetAsync($"/api/users/{id}");
        return (await read.Json(HttpStatusCode.OK)).GetProperty("displayName").GetString()!;
    }
}
