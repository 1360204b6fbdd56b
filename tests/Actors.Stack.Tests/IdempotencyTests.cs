using System.Net;
using Actors.Stack.Tests.Infrastructure;
using Npgsql;

namespace Actors.Stack.Tests;

[Collection(StackGroup.Name)]
public sealed class IdempotencyTests(StackFixture fixture)
{
    [Fact]
    public async Task Repeating_a_post_with_the_same_key_and_body_returns_the_first_post_and_writes_one_row()
    {
        var (author, client, _) = await fixture.Stack.NewUserAsync();
        var key = Guid.NewGuid().ToString();

        using var first = await Send(client, "/api/posts", new { body = "exactly once" }, key);
        using var repeat = await Send(client, "/api/posts", new { body = "exactly once" }, key);

        var created = await first.Json(HttpStatusCode.Created);
        var replayed = await repeat.Json(HttpStatusCode.Created);
        Assert.Equal(created.GetProperty("id").GetGuid(), replayed.GetProperty("id").GetGuid());
        Assert.Equal(first.Headers.Location, repeat.Headers.Location);
        Assert.True(repeat.Headers.TryGetValues("Idempotent-Replayed", out _));
        Assert.Equal(1L, await Count("SELECT count(*) FROM posts WHERE author_id = $1", author));
    }

    [Fact]
    public async Task Concurrent_repeats_of_one_keyed_post_create_one_row()
    {
        var (author, client, _) = await fixture.Stack.NewUserAsync();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Send(client, "/api/posts", new { body = "racing" }, key)));

        var ids = new HashSet<Guid>();
        foreach (var response in responses)
        {
            ids.Add((await response.Json(HttpStatusCode.Created)).GetProperty("id").GetGuid());
            response.Dispose();
        }

        Assert.Single(ids);
        Assert.Equal(1L, await Count("SELECT count(*) FROM posts WHERE author_id = $1", author));
        Assert.Equal(1L, await Count("SELECT post_count::bigint FROM users WHERE id = $1", author));
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_a_422_and_writes_nothing()
    {
        var (author, client, _) = await fixture.Stack.NewUserAsync();
        var key = Guid.NewGuid().ToString();
        (await Send(client, "/api/posts", new { body = "original" }, key)).EnsureSuccessStatusCode();

        using var reused = await Send(client, "/api/posts", new { body = "something else" }, key);

        Assert.Equal("idempotency_key_reused", await reused.ProblemCode(HttpStatusCode.UnprocessableEntity));
        Assert.Equal(1L, await Count("SELECT count(*) FROM posts WHERE author_id = $1", author));
    }

    [Fact]
    public async Task Keys_belong_to_their_user_so_two_users_may_use_the_same_key()
    {
        var (_, alice, _) = await fixture.Stack.NewUserAsync();
        var (_, bob, _) = await fixture.Stack.NewUserAsync();
        var key = Guid.NewGuid().ToString();

        var a = await (await Send(alice, "/api/posts", new { body = "same key" }, key)).Json(HttpStatusCode.Created);
        var b = await (await Send(bob, "/api/posts", new { body = "same key" }, key)).Json(HttpStatusCode.Created);

        Assert.NotEqual(a.GetProperty("id").GetGuid(), b.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Repeating_a_sign_up_with_its_key_sends_one_mail_and_another_request_under_the_key_is_a_422()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        var signUp = new { handle = $"i_{tag}", email = $"{tag}@idem.test", displayName = "Idem", password = "first password" };
        var key = Guid.NewGuid().ToString();

        using var first = await Send(fixture.Stack.Http, "/api/users", signUp, key);
        using var repeat = await Send(fixture.Stack.Http, "/api/users", signUp, key);
        using var otherHandle = await Send(fixture.Stack.Http, "/api/users", signUp with { handle = $"j_{tag}" }, key);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, repeat.StatusCode));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await repeat.Content.ReadAsStringAsync());
        Assert.Equal("true", repeat.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("idempotency_key_reused", await otherHandle.ProblemCode(HttpStatusCode.UnprocessableEntity));
        Assert.Equal(1L, await Count("SELECT count(*) FROM sign_ups WHERE lower(email) = lower($1)", signUp.email));
        Assert.Equal(1L, await Count("SELECT count(*) FROM outbox WHERE event_type = 'SignUpRequested' AND payload->>'email' = $1", signUp.email));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\tinside")]
    [InlineData("k123456789k123456789k123456789k123456789k123456789k123456789k123456789k123456789k123456789k123456789k")]
    public async Task A_malformed_key_is_a_400(string key)
    {
        var (_, client, _) = await fixture.Stack.NewUserAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts") { Content = System.Net.Http.Json.JsonContent.Create(new { body = "x" }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        using var response = await client.SendAsync(request);

        Assert.Equal("invalid_idempotency_key", await response.ProblemCode(HttpStatusCode.BadRequest));
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string url, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private async Task<long> Count(string sql, object value)
    {
        await using var db = NpgsqlDataSource.Create(fixture.Stack.Postgres);
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue(value);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
