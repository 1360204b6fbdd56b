using System.Net;
using System.Text.Json;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

[Collection(StackGroup.Name)]
public sealed class ContractTests(StackFixture fixture)
{
    [Fact]
    public async Task A_cursor_walk_over_1000_posts_sees_each_once_while_new_posts_arrive()
    {
        var (author, client, _) = await fixture.Stack.NewUserAsync();
        var existing = new List<Guid>();
        for (var batch = 0; batch < 20; batch++)
        {
            existing.AddRange(await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
                (await (await client.PostJson("/api/posts", new { body = $"existing {batch}.{i}" })).Json(HttpStatusCode.Created)).GetProperty("id").GetGuid())));
        }

        using var stop = new CancellationTokenSource();
        var inserted = 0;
        var inserter = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && inserted < 300)
            {
                (await client.PostJson("/api/posts", new { body = $"new {inserted}" })).EnsureSuccessStatusCode();
                inserted++;
            }
        });

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await (await fixture.Stack.Http.GetAsync($"/api/users/{author}/posts?limit=37&fields=id{(cursor is null ? "" : $"&cursor={cursor}")}"))
                .Json(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        await stop.CancelAsync();
        await inserter;

        Assert.True(inserted > 0, "no post was inserted during the walk");
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(existing.ToHashSet(), seen.Where(existing.Contains).ToHashSet());
        Assert.Equal(1000, seen.Count(existing.Contains));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_endpoint_with_its_responses_and_the_docs_page_loads()
    {
        var document = await (await fixture.Stack.Http.GetAsync("/openapi/v1.json")).Json(HttpStatusCode.OK);
        var paths = document.GetProperty("paths");
        (string Path, string Method, string[] Statuses)[] expected =
        [
            ("/api/users", "post", ["202", "400", "409"]),
            ("/api/users/confirmations", "post", ["201", "400", "404", "409"]),
            ("/api/users", "get", ["200", "400"]),
            ("/api/users/{id}", "get", ["200", "400", "404"]),
            ("/api/users/{id}", "patch", ["200", "400", "401", "403", "404", "409", "412"]),
            ("/api/users/{id}/posts", "get", ["200", "400", "404"]),
            ("/api/posts", "post", ["201", "400", "401", "422"]),
            ("/api/posts/{id}", "get", ["200", "400", "404"]),
            ("/api/posts/{id}", "delete", ["204", "400", "401", "403", "404", "412"]),
            ("/api/sessions", "post", ["200", "400", "401", "429"]),
            ("/api/users/{id}/following/{targetId}", "put", ["204", "400", "401", "403", "404"]),
            ("/api/users/{id}/following/{targetId}", "delete", ["204", "400", "401", "403", "404"]),
            ("/api/users/{id}/followers", "get", ["200", "400", "404"]),
            ("/api/posts/{id}/likes", "put", ["204", "400", "401", "404"]),
            ("/api/posts/{id}/likes", "delete", ["204", "400", "401", "404"]),
            ("/api/users/{id}/following", "get", ["200", "400", "404"]),
        ];
        foreach (var (path, method, statuses) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} missing");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} missing");
            var responses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet();
            Assert.True(statuses.All(responses.Contains), $"{method} {path} documents {string.Join(',', responses)}");
        }

        using var docs = await fixture.Stack.Http.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("Actors API", await docs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
