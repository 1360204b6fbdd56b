using System.Net;
using System.Net.Http.Json;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>Its own stack, whose silo keeps stream messages for 5 s once newer ones arrived.</summary>
public sealed class StreamCacheTests
{
    private const int PostsPerWave = 20;

    [Fact]
    public async Task Stream_messages_leave_the_silos_cache_after_the_retention_and_every_event_is_still_handled()
    {
        await using var stack = await Deployment.StartAsync(silos: 1, siloSettings: new Dictionary<string, string>
        {
            ["Silo__StreamCacheRetention"] = "00:00:05",
        });
        var (author, asAuthor, _) = await stack.NewUserAsync();
        var (follower, asFollower, _) = await stack.NewUserAsync();
        (await asFollower.PutAsync($"/api/users/{follower}/following/{author}", null)).EnsureSuccessStatusCode();

        // Two waves of posts (each post's event on the fan-out partition its id picks), the second more than
        // the retention after the first, so first-wave messages have been cached long enough and are that
        // much older than the newest on their queue.
        var posted = new List<Guid>();
        for (var wave = 0; wave < 2; wave++)
        {
            if (wave == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(6));
            }

            for (var i = 0; i < PostsPerWave; i++)
            {
                var post = await (await asAuthor.PostAsJsonAsync("/api/posts", new { body = $"wave {wave} post {i}" })).Json(HttpStatusCode.Created);
                posted.Add(post.GetProperty("id").GetGuid());
            }
        }

        // Orleans alone would keep them for 30 minutes.
        await Metrics.WaitForAsync(stack.SiloMetrics(0), "orleans_streams_queue_cache_messages_purged_total", v => v > 0, TimeSpan.FromSeconds(30),
            "stream messages are purged from the cache");
        // The purge lost nothing: every post reaches the follower's timeline (a delivery the purge took
        // would come back after the 30 s lease).
        HashSet<Guid> shown;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(250);
            var feed = await (await asFollower.GetAsync($"/api/feed?limit={2 * PostsPerWave}")).Json(HttpStatusCode.OK);
            shown = feed.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToHashSet();
        }
        while (!shown.IsSupersetOf(posted) && DateTime.UtcNow < deadline);

        Assert.All(posted, id => Assert.Contains(id, shown));
    }
}
