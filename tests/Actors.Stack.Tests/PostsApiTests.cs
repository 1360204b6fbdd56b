using System.Net;
using System.Text.Json;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

[Collection(StackGroup.Name)]
public sealed class PostsApiTests(StackFixture fixture)
{
    private HttpClient Anonymous => fixture.Stack.Http;

    [Fact]
    public async Task A_post_is_created_by_the_caller_read_back_and_counted_on_the_profile()
    {
        var (author, client, _) = await fixture.Stack.NewUserAsync();

        using var created = await client.PostJson("/api/posts", new { body = "Hello, Actors! 👋" });
        var post = await created.Json(HttpStatusCode.Created);
        var id = post.GetProperty("id").GetGuid();
        Assert.Equal($"/api/posts/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(author, post.GetProperty("authorId").GetGuid());

        using var read = await Anonymous.GetAsync($"/api/posts/{id}");
        var readBack = await read.Json(HttpStatusCode.OK);
        Assert.Equal("Hello, Actors! 👋", readBack.GetProperty("body").GetString());
        Assert.NotNull(read.Headers.ETag);
        var profile = await (await Anonymous.GetAsync($"/api/users/{author}")).Json(HttpStatusCode.OK);
        Assert.Equal(1, profile.GetProperty("posts").GetInt32());
    }

    [Fact]
    public async Task Creating_a_post_needs_a_token()
    {
        using var response = await Anonymous.PostJson("/api/posts", new { body = "anonymous" });

        Assert.Equal("unauthorized", await response.ProblemCode(HttpStatusCode.Unauthorized));
    }

    [Theory]
    [InlineData("""{"body":""}""")]
    [InlineData("""{"body":"   "}""")]
    [InlineData("""{}""")]
    [InlineData("""{"body":"bell \u0007"}""")]
    public async Task An_invalid_post_body_is_a_400(string json)
    {
        var (_, client, _) = await fixture.Stack.NewUserAsync();

        using var response = await client.PostRaw("/api/posts", json);

        Assert.Equal("validation_failed", await response.ProblemCode(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_post_body_of_501_characters_is_refused_and_500_are_accepted()
    {
        var (_, client, _) = await fixture.Stack.NewUserAsync();

        using var tooLong = await client.PostJson("/api/posts", new { body = new string('é', 501) });
        using var longest = await client.PostJson("/api/posts", new { body = string.Concat(Enumerable.Repeat("😀", 500)) });

        Assert.Equal("validation_failed", await tooLong.ProblemCode(HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
    }

    [Fact]
    public async Task Unknown_and_malformed_post_ids_are_404_and_400()
    {
        using var unknown = await Anonymous.GetAsync($"/api/posts/{Guid.CreateVersion7()}");
        Assert.Equal("post_not_found", await unknown.ProblemCode(HttpStatusCode.NotFound));
        using var malformed = await Anonymous.GetAsync("/api/posts/12345");
        Assert.Equal("invalid_id", await malformed.ProblemCode(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Only_the_author_deletes_a_post_and_then_it_is_gone()
    {
        var (author, client, _) = await fixture.Stack.NewUserAsync();
        var (_, stranger, _) = await fixture.Stack.NewUserAsync();
        var id = (await (await client.PostJson("/api/posts", new { body = "brief" })).Json(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        using var anonymous = await Anonymous.DeleteAsync($"/api/posts/{id}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var notAuthor = await stranger.DeleteAsync($"/api/posts/{id}");
        Assert.Equal("not_author", await notAuthor.ProblemCode(HttpStatusCode.Forbidden));
        using var deleted = await client.DeleteAsync($"/api/posts/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var read = await Anonymous.GetAsync($"/api/posts/{id}");
        Assert.Equal("post_not_found", await read.ProblemCode(HttpStatusCode.NotFound));
        using var again = await client.DeleteAsync($"/api/posts/{id}");
        Assert.Equal("post_not_found", await again.ProblemCode(HttpStatusCode.NotFound));
        var profile = await (await Anonymous.GetAsync($"/api/users/{author}")).Json(HttpStatusCode.OK);
        Assert.Equal(0, profile.GetProperty("posts").GetInt32());
    }

    [Fact]
    public async Task Deleting_with_an_if_match_that_names_another_version_is_a_412_and_the_current_etag_deletes()
    {
        var (_, client, _) = await fixture.Stack.NewUserAsync();
        var id = (await (await client.PostJson("/api/posts", new { body = "conditional" })).Json(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var read = await Anonymous.GetAsync($"/api/posts/{id}?fields=id");

        var stale = new HttpRequestMessage(HttpMethod.Delete, $"/api/posts/{id}");
        stale.Headers.TryAddWithoutValidation("If-Match", "\"p99.0.1f\"");
        using var refused = await client.SendAsync(stale);
        Assert.Equal("precondition_failed", await refused.ProblemCode(HttpStatusCode.PreconditionFailed));

        var current = new HttpRequestMessage(HttpMethod.Delete, $"/api/posts/{id}");
        current.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.ToString());
        using var deleted = await client.SendAsync(current);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Likes_are_idempotent_per_user_and_show_in_the_post_and_its_etag()
    {
        var (_, author, _) = await fixture.Stack.NewUserAsync();
        var (_, fan, _) = await fixture.Stack.NewUserAsync();
        var id = (await (await author.PostJson("/api/posts", new { body = "like me" })).Json(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var before = await Anonymous.GetAsync($"/api/posts/{id}");

        Assert.Equal(HttpStatusCode.NoContent, (await fan.PutAsync($"/api/posts/{id}/likes", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fan.PutAsync($"/api/posts/{id}/likes", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await author.PutAsync($"/api/posts/{id}/likes", null)).StatusCode);
        using var liked = await Anonymous.GetAsync($"/api/posts/{id}");
        Assert.Equal(2, (await liked.Json(HttpStatusCode.OK)).GetProperty("likes").GetInt32());
        Assert.NotEqual(before.Headers.ETag, liked.Headers.ETag);

        Assert.Equal(HttpStatusCode.NoContent, (await fan.DeleteAsync($"/api/posts/{id}/likes")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fan.DeleteAsync($"/api/posts/{id}/likes")).StatusCode);
        Assert.Equal(1, (await (await Anonymous.GetAsync($"/api/posts/{id}")).Json(HttpStatusCode.OK)).GetProperty("likes").GetInt32());

        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous.PutAsync($"/api/posts/{id}/likes", null)).StatusCode);
        Assert.Equal("post_not_found", await (await fan.PutAsync($"/api/posts/{Guid.CreateVersion7()}/likes", null)).ProblemCode(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Paging_through_250_posts_returns_each_once_newest_first()
    {
        var (author, client, _) = await fixture.Stack.NewUserAsync();
        var created = new List<Guid>();
        for (var batch = 0; batch < 25; batch++)
        {
            // Ten at a time in parallel, in batch order, so "newest first" is defined between batches.
            var ids = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
                (await (await client.PostJson("/api/posts", new { body = $"post {batch}.{i}" })).Json(HttpStatusCode.Created)).GetProperty("id").GetGuid()));
            created.AddRange(ids);
        }

        var pages = new List<List<JsonElement>>();
        string? cursor = null;
        do
        {
            var page = await (await Anonymous.GetAsync($"/api/users/{author}/posts?limit=20{(cursor is null ? "" : $"&cursor={cursor}")}")).Json(HttpStatusCode.OK);
            pages.Add([.. page.GetProperty("items").EnumerateArray()]);
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        var seen = pages.SelectMany(p => p).ToList();
        Assert.Equal(13, pages.Count);
        Assert.All(pages.Take(12), p => Assert.Equal(20, p.Count));
        Assert.Equal(250, seen.Count);
        Assert.Equal(created.ToHashSet(), seen.Select(p => p.GetProperty("id").GetGuid()).ToHashSet());
        var times = seen.Select(p => (p.GetProperty("createdAt").GetDateTimeOffset(), p.GetProperty("id").GetGuid())).ToList();
        Assert.Equal(times.OrderByDescending(t => t.Item1).ThenByDescending(t => t.Item2), times);
        for (var batch = 1; batch < 25; batch++)
        {
            // Every post of a later batch comes before every post of an earlier one.
            var positions = created.Skip(batch * 10).Take(10).Select(id => seen.FindIndex(p => p.GetProperty("id").GetGuid() == id));
            var earlier = created.Skip((batch - 1) * 10).Take(10).Select(id => seen.FindIndex(p => p.GetProperty("id").GetGuid() == id));
            Assert.True(positions.Max() < earlier.Min());
        }
    }

    [Fact]
    public async Task The_posts_of_an_unknown_user_are_a_404()
    {
        using var response = await Anonymous.GetAsync($"/api/users/{Guid.CreateVersion7()}/posts");

        Assert.Equal("user_not_found", await response.ProblemCode(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task A_cursor_from_the_user_list_is_refused_by_the_post_list()
    {
        var (author, _, _) = await fixture.Stack.NewUserAsync();
        await fixture.Stack.NewUserAsync();
        var users = await (await Anonymous.GetAsync("/api/users?limit=1")).Json(HttpStatusCode.OK);
        var cursor = users.GetProperty("nextCursor").GetString();

        using var response = await Anonymous.GetAsync($"/api/users/{author}/posts?cursor={cursor}");

        Assert.Equal("invalid_cursor", await response.ProblemCode(HttpStatusCode.BadRequest));
    }
}
