using System.Net;
using System.Net.Http.Headers;
using Actors.Grains.Abstractions.Posts;
using Actors.Stack.Tests.Infrastructure;
using Actors.Testing;

namespace Actors.Stack.Tests;

/// <summary>
/// Admission: a key's first read on a gateway is the committed row, read by a silo without activating
/// the grain, and nothing of it is kept; its second read activates and leases it. Reads that start after
/// a write was acknowledged see it on either side of that change.
/// </summary>
[Collection(StackGroup.Name)]
public sealed class ColdReadTests(StackFixture fixture)
{
    private const int Posts = 60;

    private Deployment Stack => fixture.Stack;

    [Fact]
    public async Task Posts_read_once_keep_no_activation_and_their_second_read_activates_them()
    {
        var (_, author, _) = await Stack.NewUserAsync();
        var posts = await CreatePostsAsync(author, Posts);
        await using var cluster = await ClusterClient.ConnectAsync(Stack);
        Assert.Empty(await ActivePostsAsync(cluster, posts));

        await Parallel.ForEachAsync(posts, async (id, ct) =>
        {
            using var read = await Stack.Http.GetAsync($"/api/posts/{id}", ct);
            Assert.Equal(id, (await read.Json(HttpStatusCode.OK)).GetProperty("id").GetGuid());
        });
        Assert.Empty(await ActivePostsAsync(cluster, posts));

        await Parallel.ForEachAsync(posts, async (id, ct) =>
        {
            using var read = await Stack.Http.GetAsync($"/api/posts/{id}", ct);
            Assert.Equal(id, (await read.Json(HttpStatusCode.OK)).GetProperty("id").GetGuid());
        });
        Assert.Equal(posts.Count, (await ActivePostsAsync(cluster, posts)).Count);
    }

    [Fact]
    public async Task A_write_between_a_read_without_activation_and_the_activation_is_never_hidden()
    {
        var (_, author, _) = await Stack.NewUserAsync();
        var (_, fan, _) = await Stack.NewUserAsync();
        var posts = await CreatePostsAsync(author, 10);
        using var other = await Stack.StartExtraGatewayAsync();
        await using var cluster = await ClusterClient.ConnectAsync(Stack);
        foreach (var id in posts)
        {
            // Read once on each gateway: the committed row, with nothing activated.
            using var first = await Stack.Http.GetAsync($"/api/posts/{id}");
            Assert.Equal(0, (await first.Json(HttpStatusCode.OK)).GetProperty("likes").GetInt32());
            var seen = first.Headers.ETag!;
            using var elsewhere = await other.GetAsync($"/api/posts/{id}");
            Assert.Equal(0, (await elsewhere.Json(HttpStatusCode.OK)).GetProperty("likes").GetInt32());
            Assert.Empty(await ActivePostsAsync(cluster, [id]));

            // The like activates the post's grain, commits, and is acknowledged.
            Assert.Equal(HttpStatusCode.NoContent, (await fan.PutAsync($"/api/posts/{id}/likes", null)).StatusCode);

            // Each gateway's second read is admitted and leased, and shows the like; so do the reads it then serves.
            await AssertLikesAsync(Stack.Http, id, 1, seen);
            await AssertLikesAsync(other, id, 1, seen);
            await AssertLikesAsync(Stack.Http, id, 1, seen);
            await AssertLikesAsync(other, id, 1, seen);

            Assert.Equal(HttpStatusCode.NoContent, (await fan.DeleteAsync($"/api/posts/{id}/likes")).StatusCode);
            await AssertLikesAsync(Stack.Http, id, 0, null);
            await AssertLikesAsync(other, id, 0, null);
        }
    }

    [Fact]
    public async Task A_profile_edit_acknowledged_after_a_read_without_activation_is_seen_by_the_next_read()
    {
        var (id, client, _) = await Stack.NewUserAsync();
        using var other = await Stack.StartExtraGatewayAsync();
        var before = await ColdProfileReadsAsync(other);
        using var first = await other.GetAsync($"/api/users/{id}");
        var seen = first.Headers.ETag!;
        Assert.StartsWith("User ", (await first.Json(HttpStatusCode.OK)).GetProperty("displayName").GetString());
        // The exposition may be a scrape behind.
        await Poll.UntilAsync(() => ColdProfileReadsAsync(other), cold => cold >= before + 1, "the first read, served cold",
            TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(250));

        using var edit = await client.PatchJson($"/api/users/{id}", new { displayName = "edited" });
        edit.EnsureSuccessStatusCode();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/users/{id}");
        request.Headers.IfNoneMatch.Add(seen);
        using var second = await other.SendAsync(request);
        Assert.Equal("edited", (await second.Json(HttpStatusCode.OK)).GetProperty("displayName").GetString());
    }

    private static async Task<double> ColdProfileReadsAsync(HttpClient gateway) =>
        Metrics.Value(await gateway.GetStringAsync("/metrics"), "actors_nearcache_lookups_total", "kind=\"user\"", "result=\"cold\"");

    private static async Task AssertLikesAsync(HttpClient http, Guid id, int likes, EntityTagHeaderValue? stale)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/posts/{id}");
        if (stale is not null)
        {
            request.Headers.IfNoneMatch.Add(stale);
        }

        using var read = await http.SendAsync(request);
        Assert.Equal(likes, (await read.Json(HttpStatusCode.OK)).GetProperty("likes").GetInt32());
    }

    private static async Task<List<Guid>> CreatePostsAsync(HttpClient author, int count)
    {
        var posts = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            using var created = await author.PostJson("/api/posts", new { body = $"read once {i}" });
            posts.Add((await created.Json(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        }

        return posts;
    }

    private static async Task<List<GrainId>> ActivePostsAsync(ClusterClient cluster, IReadOnlyCollection<Guid> posts)
    {
        var type = cluster.Client.GetGrain<IPostGrain>(Guid.Empty).GetGrainId().Type;
        var wanted = posts.Select(id => cluster.Client.GetGrain<IPostGrain>(id).GetGrainId()).ToHashSet();
        return [.. (await cluster.Client.GetGrain<IManagementGrain>(0).GetActiveGrains(type)).Where(wanted.Contains)];
    }
}
