using System.Net;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>HEAD on every GET route: the GET's status and headers, no body (RFC 9110).</summary>
[Collection(StackGroup.Name)]
public sealed class HeadRequestTests(StackFixture fixture)
{
    [Fact]
    public async Task Head_answers_what_get_answers_without_the_body()
    {
        var (id, client, _) = await fixture.Stack.NewUserAsync();
        var post = (await (await client.PostJson("/api/posts", new { body = "seen by HEAD" })).Json(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = fixture.Stack.Http.BaseAddress };

        foreach (var path in new[] { $"/api/users/{id}", $"/api/posts/{post}", "/api/users?limit=5", $"/api/users/{id}/posts", "/api/trending", "/openapi/v1.json" })
        {
            // A list can change between two requests (counters of earlier writes land late): compare
            // a GET and a HEAD that saw the same state, by their ETags, within a few tries.
            HttpResponseMessage get, head;
            byte[] body;
            var tries = 0;
            do
            {
                get = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, path));
                body = await get.Content.ReadAsByteArrayAsync();
                head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            }
            while (!Equals(get.Headers.ETag, head.Headers.ETag) && ++tries < 5 && await Pause());

            Assert.Equal(get.StatusCode, head.StatusCode);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
            Assert.Equal(get.Headers.ETag, head.Headers.ETag);
            Assert.Equal(get.Headers.CacheControl, head.Headers.CacheControl);
            Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
            Assert.Equal(get.Content.Headers.ContentLength ?? body.Length, head.Content.Headers.ContentLength ?? body.Length);
            get.Dispose();
            head.Dispose();
        }

        // Conditional and missing alike.
        using var first = await http.GetAsync($"/api/users/{id}");
        var conditional = new HttpRequestMessage(HttpMethod.Head, $"/api/users/{id}");
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(conditional)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/posts/{Guid.CreateVersion7()}"))).StatusCode);
        // A route without GET keeps refusing HEAD.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/sessions"))).StatusCode);
    }

    private static async Task<bool> Pause()
    {
        await Task.Delay(200);
        return true;
    }
}
