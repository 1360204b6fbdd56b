using System.Net;
using System.Text.Json;
using Actors.Stack.Tests.Infrastructure;
using Npgsql;

namespace Actors.Stack.Tests;

[Collection(StackGroup.Name)]
public sealed class FeedApiTests(StackFixture fixture)
{
    [Fact]
    public async Task The_feed_pages_the_followees_posts_with_authors_newest_first_and_revalidates_by_etag()
    {
        var (me, client, _) = await fixture.Stack.NewUserAsync();
        var (b, asB, _) = await fixture.Stack.NewUserAsync();
        var (c, asC, _) = await fixture.Stack.NewUserAsync();
        var (_, asStranger, _) = await fixture.Stack.NewUserAsync();
        await Follow(client, me, b);
        await Follow(client, me, c);
        var posted = new List<Guid>();
        foreach (var author in new[] { asB, asC, asB, asStranger, asC })
        {
            var post = await (await author.PostJson("/api/posts", new { body = $"hello {posted.Count}" })).Json(HttpStatusCode.Created);
            posted.Add(post.GetProperty("id").GetGuid());
        }

        // Newest first, the stranger's post (index 3) left out, walked two at a time.
        List<Guid> expected = [posted[4], posted[2], posted[1], posted[0]];
        Assert.Equal(expected, await Walk(client, limit: 2));

        var first = await client.GetAsync("/api/feed?limit=10");
        var page = await first.Json(HttpStatusCode.OK);
        var item = page.GetProperty("items")[0];
        Assert.Equal(c, item.GetProperty("author").GetProperty("id").GetGuid());
        Assert.StartsWith("u_", item.GetProperty("author").GetProperty("handle").GetString());
        Assert.Equal("hello 4", item.GetProperty("body").GetString());
        Assert.False(item.GetProperty("author").TryGetProperty("email", out _));
        Assert.True(first.Headers.CacheControl is { Private: true, NoCache: true, Public: false });
        var etag = first.Headers.ETag!.ToString();
        Assert.Equal(HttpStatusCode.NotModified, (await client.GetWith("/api/feed?limit=10", "If-None-Match", etag)).StatusCode);

        // A deleted post leaves the feed by fan-out (and any silo's short-lived copy of it expires): the
        // old ETag stops matching within seconds.
        Assert.Equal(HttpStatusCode.NoContent, (await asB.DeleteAsync($"/api/posts/{posted[2]}")).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await client.GetWith("/api/feed?limit=10", "If-None-Match", etag)).StatusCode == HttpStatusCode.NotModified && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetWith("/api/feed?limit=10", "If-None-Match", etag)).StatusCode);
        Assert.Equal([posted[4], posted[1], posted[0]], await Walk(client, limit: 10));

        var projected = await (await client.GetAsync("/api/feed?fields=id")).Json(HttpStatusCode.OK);
        Assert.False(projected.GetProperty("items")[0].TryGetProperty("body", out _));
        Assert.True(projected.GetProperty("items")[0].TryGetProperty("author", out _));
    }

    [Fact]
    public async Task The_feed_needs_a_token_and_refuses_bad_paging_with_problem_codes()
    {
        var (_, client, _) = await fixture.Stack.NewUserAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Stack.Http.GetAsync("/api/feed")).StatusCode);
        Assert.Equal("invalid_limit", await (await client.GetAsync("/api/feed?limit=0")).ProblemCode(HttpStatusCode.BadRequest));
        Assert.Equal("invalid_cursor", await (await client.GetAsync("/api/feed?cursor=abc")).ProblemCode(HttpStatusCode.BadRequest));
        var users = await (await fixture.Stack.Http.GetAsync("/api/users?limit=1")).Json(HttpStatusCode.OK);
        var userCursor = users.GetProperty("nextCursor").GetString();
        Assert.Equal("invalid_cursor", await (await client.GetAsync($"/api/feed?cursor={userCursor}")).ProblemCode(HttpStatusCode.BadRequest));
        Assert.Equal("invalid_fields", await (await client.GetAsync("/api/feed?fields=password")).ProblemCode(HttpStatusCode.BadRequest));
        Assert.Equal("invalid_limit", await (await fixture.Stack.Http.GetAsync("/api/trending?limit=51")).ProblemCode(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Trending_ranks_the_most_liked_post_first_within_the_refresh_bound_and_drops_it_once_deleted()
    {
        var (author, asAuthor, _) = await fixture.Stack.NewUserAsync();
        var post = await (await asAuthor.PostJson("/api/posts", new { body = "liked a lot" })).Json(HttpStatusCode.Created);
        var postId = post.GetProperty("id").GetGuid();
        await using (var db = NpgsqlDataSource.Create(fixture.Stack.Postgres))
        {
            // The best score so far (likes, plus a tenth of views: the ranking's default weights).
            await using var command = db.CreateCommand("""
                SELECT coalesce(max(score), 0)::bigint FROM (
                    SELECT post_id, sum(s) AS score FROM (
                        SELECT post_id, count(*)::float8 AS s FROM likes GROUP BY post_id
                        UNION ALL SELECT post_id, sum(views)::float8 * 0.1 FROM post_view_buckets GROUP BY post_id) x
                    GROUP BY post_id) t
                """);
            var most = (long)(await command.ExecuteScalarAsync())!;
            for (var i = 0; i <= most; i++)
            {
                var (_, liker, _) = await fixture.Stack.NewUserAsync();
                Assert.Equal(HttpStatusCode.NoContent, (await liker.PutAsync($"/api/posts/{postId}/likes", null)).StatusCode);
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement top;
        HttpResponseMessage response;
        do
        {
            // A ranking computed before any like (another test asked first) is empty until it refreshes.
            response = await fixture.Stack.Http.GetAsync("/api/trending?limit=5");
            var items = (await response.Json(HttpStatusCode.OK)).GetProperty("items");
            top = items.GetArrayLength() > 0 ? items[0] : default;
        }
        while ((top.ValueKind == JsonValueKind.Undefined || top.GetProperty("id").GetGuid() != postId) && DateTime.UtcNow < deadline && await Pause());

        Assert.Equal(postId, top.GetProperty("id").GetGuid());
        Assert.Equal(author, top.GetProperty("author").GetProperty("id").GetGuid());
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.True(response.Headers.CacheControl is { Public: true, MaxAge.TotalSeconds: 5 });

        Assert.Equal(HttpStatusCode.NoContent, (await asAuthor.DeleteAsync($"/api/posts/{postId}")).StatusCode);
        var gone = DateTime.UtcNow.AddSeconds(5);
        JsonElement after;
        do
        {
            after = await (await fixture.Stack.Http.GetAsync("/api/trending?limit=50")).Json(HttpStatusCode.OK);
        }
        while (after.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("id").GetGuid() == postId) && DateTime.UtcNow < gone && await Pause());

        Assert.DoesNotContain(after.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == postId);
    }

    [Fact]
    public async Task Post_views_304s_included_reach_postgresql_in_batches_as_totals_and_hourly_buckets()
    {
        var (_, author, _) = await fixture.Stack.NewUserAsync();
        var post = await (await author.PostJson("/api/posts", new { body = "read a lot" })).Json(HttpStatusCode.Created);
        var postId = post.GetProperty("id").GetGuid();
        var flushesBefore = await Flushes();
        string? etag = null;
        for (var i = 0; i < 30; i++)
        {
            using var response = etag is null ? await fixture.Stack.Http.GetAsync($"/api/posts/{postId}")
                : await fixture.Stack.Http.GetWith($"/api/posts/{postId}", "If-None-Match", etag);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotModified);
            etag ??= response.Headers.ETag!.ToString();
        }

        // 30 views (a 304 is a view too) in the post's total and in this hour's bucket, written by
        // aggregator grains in batches.
        await using var db = NpgsqlDataSource.Create(fixture.Stack.Postgres);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        (long Total, long Bucketed) views;
        do
        {
            await using var command = db.CreateCommand("""
                SELECT view_count, (SELECT coalesce(sum(views), 0)::bigint FROM post_view_buckets WHERE post_id = $1) FROM posts WHERE id = $1
                """);
            command.Parameters.AddWithValue(postId);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            views = (reader.GetInt64(0), reader.GetInt64(1));
        }
        while (views.Total < 30 && DateTime.UtcNow < deadline && await Pause());

        Assert.Equal((30L, 30L), views);
        // Batched: the silos wrote views with fewer statements than there were views (one per
        // aggregator and flush interval; each statement carries every post the aggregator gathered).
        // A silo counts a flush once its statement returned, and its /metrics may answer from a
        // scrape a moment old: the count can trail the rows the test already reads.
        var flushes = await Flushes() - flushesBefore;
        for (var until = DateTime.UtcNow.AddSeconds(5); flushes < 1 && DateTime.UtcNow < until && await Pause();)
        {
            flushes = await Flushes() - flushesBefore;
        }

        Assert.InRange(flushes, 1, 29);
    }

    private async Task<double> Flushes()
    {
        double total = 0;
        for (var silo = 0; silo < 2; silo++)
        {
            total += Metrics.Value(await Metrics.ScrapeAsync(fixture.Stack.SiloMetrics(silo)), "actors_db_operation_duration_seconds_count", "operation=\"views.flush\"");
        }

        return total;
    }

    private static async Task<bool> Pause()
    {
        await Task.Delay(200);
        return true;
    }

    private static async Task Follow(HttpClient client, Guid me, Guid target) =>
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync($"/api/users/{me}/following/{target}", null)).StatusCode);

    private static async Task<List<Guid>> Walk(HttpClient client, int limit)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var url = $"/api/feed?limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await client.GetAsync(url)).Json(HttpStatusCode.OK);
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return ids;
    }
}
