using System.Text;
using System.Text.Json;
using Actors.Stack.Tests.Infrastructure;
using Npgsql;

namespace Actors.Stack.Tests;

[Collection(StackGroup.Name)]
public sealed class BadInputSweepTests(StackFixture fixture)
{
    [Fact]
    public async Task Hundreds_of_malformed_requests_all_get_a_4xx_problem_and_change_nothing()
    {
        var (me, client, _) = await fixture.Stack.NewUserAsync();
        var marker = $"sweep{Guid.NewGuid():N}"[..16];
        var before = await Snapshot(me);
        var requests = Requests(me, marker).ToList();
        Assert.True(requests.Count >= 200, $"only {requests.Count} requests");

        var failures = new List<string>();
        foreach (var (method, url, body, headers) in requests)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            // Kestrel itself refuses a request line with a NUL byte or oversized headers, before any
            // application code runs: those answers are a bare 400/431. Everything else is problem+json.
            var protocolLevel = status is 400 or 431 && text.Length == 0 && url.Contains("%00", StringComparison.Ordinal);
            if (status is < 400 or >= 500 || (!protocolLevel && !HasCode(text)))
            {
                failures.Add($"{method} {url[..Math.Min(url.Length, 80)]} {(body is null ? "" : body[..Math.Min(body.Length, 60)])} -> {status} {text[..Math.Min(text.Length, 200)]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(before, await Snapshot(me));
        await using var db = NpgsqlDataSource.Create(fixture.Stack.Postgres);
        await using var leaked = db.CreateCommand("""
            SELECT (SELECT count(*) FROM users WHERE handle ILIKE $1 OR email ILIKE $1)
                 + (SELECT count(*) FROM sign_ups WHERE handle ILIKE $1 OR email ILIKE $1)
            """);
        leaked.Parameters.AddWithValue($"%{marker}%");
        Assert.Equal(0L, await leaked.ExecuteScalarAsync());
    }

    private static bool HasCode(string text)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var code) && code.GetString() is { Length: > 0 };
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static IEnumerable<(string Method, string Url, string? Body, (string, string)[] Headers)> Requests(Guid me, string marker)
    {
        (string, string)[] none = [];
        string[] broken =
        [
            "{", "}", "[", "{\"handle\":", "{\"handle\" \"x\"}", "{'handle':'x'}", "nul", "null", "true", "42", "\"text\"",
            "[]", "{\"a\":1,}", "{\"handle\":\"x\"}}", "\u0000", "{\"handle\":\"\\u12\"}", "{\"body\":\"\\ud800\"}",
            "{\"displayName\":\"\\udfff\"}", new string('[', 5000), "{\"body\": \"unterminated",
        ];
        foreach (var body in broken)
        {
            yield return ("POST", "/api/users", body, none);
            yield return ("POST", "/api/users/confirmations", body, none);
            yield return ("POST", "/api/posts", body, none);
            yield return ("POST", "/api/sessions", body, none);
            yield return ("PATCH", $"/api/users/{me}", body, none);
        }

        string Json(object o) => JsonSerializer.Serialize(o);
        object[] badSignUps =
        [
            new { handle = 123, email = $"{marker}@x.test", displayName = "x", password = "long enough 1" },
            new { handle = $"{marker}a", email = new[] { "a" }, displayName = "x", password = "long enough 1" },
            new { handle = $"{marker}b", email = $"{marker}b@x.test", displayName = new { }, password = "long enough 1" },
            new { handle = $"{marker}c", email = $"{marker}c@x.test", displayName = "x", password = true },
            new { handle = new string('h', 10_000), email = $"{marker}d@x.test", displayName = "x", password = "long enough 1" },
            new { handle = $"{marker}e", email = new string('e', 1000) + "@x.test", displayName = "x", password = "long enough 1" },
            new { handle = $"{marker}f", email = $"{marker}f@x.test", displayName = new string('d', 51), password = "long enough 1" },
            new { handle = $"{marker}g", email = $"{marker}g@x.test", displayName = "x", password = new string('p', 129) },
            new { handle = $"{marker}'; DROP TABLE users;--", email = $"{marker}h@x.test", displayName = "x", password = "long enough 1" },
            new { handle = $"{marker}i", email = $"{marker}' OR '1'='1@x.test", displayName = "x", password = "long enough 1" },
            new { handle = $"{marker}j", email = $"{marker}j@x.test", displayName = "esc\u001b[31m", password = "long enough 1" },
            new { handle = $"{marker}k", email = $"{marker}k@x.test", displayName = "nul\u0000", password = "long enough 1" },
            new { handle = $"{marker}l", email = $"{marker}l@x.test", displayName = "del\u007f", password = "long enough 1" },
            new { handle = $"{marker}m", email = $"{marker}m@x.test", displayName = "x", password = "short" },
            new { handle = $"{marker}n", email = $"{marker}n@x.test", displayName = "x", password = "tab\tpassword" },
            new { handle = $"{marker}o", email = $"{marker} o@x.test", displayName = "x", password = "long enough 1" },
            new { handle = $"{marker}p", email = $"{marker}p@localhost", displayName = "x", password = "long enough 1" },
            new { handle = $"{marker}q", email = $"\"{marker}\"@x.test", displayName = "x", password = "long enough 1" },
            new { handle = $"{marker}ü", email = $"{marker}r@x.test", displayName = "x", password = "long enough 1" },
            new { handle = "", email = "", displayName = "", password = "" },
        ];
        foreach (var body in badSignUps)
        {
            yield return ("POST", "/api/users", Json(body), none);
        }

        object[] badPosts =
        [
            new { body = 5 }, new { body = new[] { "a" } }, new { body = "" }, new { body = "   \n\t " },
            new { body = new string('b', 501) }, new { body = "nul\u0000" }, new { body = "bell\u0007" }, new { body = (string?)null },
            new { text = "wrong field" },
        ];
        foreach (var body in badPosts)
        {
            yield return ("POST", "/api/posts", Json(body), none);
        }

        object[] badEdits =
        [
            new { bio = new string('b', 161) }, new { handle = "no spaces allowed" }, new { email = "nope" },
            new { displayName = "" }, new { displayName = "\u0000" }, new { }, new { bio = 12 },
        ];
        foreach (var body in badEdits)
        {
            yield return ("PATCH", $"/api/users/{me}", Json(body), none);
        }

        yield return ("PATCH", $"/api/users/{me}", Json(new { bio = "stale" }), [("If-Match", "\"u0.0.0\"")]);
        yield return ("PATCH", $"/api/users/{me}", Json(new { bio = "garbage" }), [("If-Match", "not an etag")]);
        yield return ("PATCH", $"/api/users/{me}", Json(new { bio = "weak" }), [("If-Match", "W/\"u1.0.0\"")]);
        yield return ("PATCH", $"/api/users/{Guid.CreateVersion7()}", Json(new { bio = "not mine" }), none);
        yield return ("DELETE", $"/api/posts/{Guid.CreateVersion7()}", null, none);

        string[] badIds =
        [
            "1", "abc", "' OR 1=1 --", "%27%3B%20DROP%20TABLE%20posts%3B--", "%00", "..%2F..%2Fetc%2Fpasswd",
            $"{{{Guid.NewGuid()}}}", Guid.NewGuid().ToString("N"), new string('9', 2000), "00000000-0000-0000-0000-00000000000g",
            "%E2%80%8B", "null", "-1", "1e10",
        ];
        foreach (var id in badIds)
        {
            yield return ("GET", $"/api/users/{id}", null, none);
            yield return ("GET", $"/api/posts/{id}", null, none);
            yield return ("GET", $"/api/users/{id}/posts", null, none);
            yield return ("PATCH", $"/api/users/{id}", Json(new { bio = "x" }), none);
            yield return ("DELETE", $"/api/posts/{id}", null, none);
        }

        string[] badQueries =
        [
            "limit=0", "limit=-1", "limit=101", "limit=99999999999", "limit=1e3", "limit=abc", "limit=",
            "cursor=", "cursor=abc", "cursor=%27%20OR%201%3D1", $"cursor={new string('A', 34)}", $"cursor={new string('A', 5000)}",
            "cursor=AQAAAAAAAAAAAaIWhrsRfoGOiHscyYBi!!", "fields=", "fields=id,,handle", "fields=password", "fields=id;DROP",
            "fields=ID", "limit=10&limit=20",
        ];
        foreach (var query in badQueries)
        {
            yield return ("GET", $"/api/users?{query}", null, none);
            yield return ("GET", $"/api/users/{me}/posts?{query}", null, none);
        }

        yield return ("GET", $"/api/users/{me}?fields=nope", null, none);
        yield return ("POST", "/api/posts", Json(new { body = "key" }), [("Idempotency-Key", new string('k', 101))]);
        yield return ("PUT", "/api/users", null, none);
        yield return ("DELETE", "/api/users", null, none);
        yield return ("GET", "/api/nothing-here", null, none);
    }

    private async Task<string> Snapshot(Guid me)
    {
        await using var db = NpgsqlDataSource.Create(fixture.Stack.Postgres);
        await using var command = db.CreateCommand("""
            SELECT u.version, u.handle, u.email, u.display_name, u.bio, u.post_count,
                   (SELECT count(*) FROM posts WHERE author_id = u.id),
                   (SELECT count(*) FROM outbox WHERE aggregate_id = u.id)
            FROM users u WHERE u.id = $1
            """);
        command.Parameters.AddWithValue(me);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i).ToString()));
    }
}
