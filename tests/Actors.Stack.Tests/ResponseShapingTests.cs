using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>Projection, compression and HTTP caching headers.</summary>
[Collection(StackGroup.Name)]
public sealed class ResponseShapingTests(StackFixture fixture)
{
    private HttpClient Anonymous => fixture.Stack.Http;

    [Fact]
    public async Task Fields_projection_returns_only_the_named_fields()
    {
        var (id, client, _) = await fixture.Stack.NewUserAsync();
        var post = await (await client.PostJson("/api/posts", new { body = "projected" })).Json(HttpStatusCode.Created);

        var user = await (await Anonymous.GetAsync($"/api/users/{id}?fields=handle,posts")).Json(HttpStatusCode.OK);
        var postOnly = await (await Anonymous.GetAsync($"/api/posts/{post.GetProperty("id")}?fields=body")).Json(HttpStatusCode.OK);
        var page = await (await Anonymous.GetAsync($"/api/users/{id}/posts?fields=id")).Json(HttpStatusCode.OK);

        Assert.Equal(["handle", "posts"], user.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["body"], postOnly.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id"], page.GetProperty("items")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task An_unknown_field_is_a_400_that_lists_the_valid_ones()
    {
        var (id, _, _) = await fixture.Stack.NewUserAsync();

        using var response = await Anonymous.GetAsync($"/api/users/{id}?fields=handle,passwordHash");

        var body = await response.Json(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_fields", body.GetProperty("code").GetString());
        Assert.Contains("displayName", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_stays_private_even_when_a_stranger_asks_for_it_by_name()
    {
        var (id, owner, email) = await fixture.Stack.NewUserAsync();
        var (_, stranger, _) = await fixture.Stack.NewUserAsync();

        var asStranger = await (await stranger.GetAsync($"/api/users/{id}?fields=email,handle")).Json(HttpStatusCode.OK);
        var asOwner = await (await owner.GetAsync($"/api/users/{id}?fields=email")).Json(HttpStatusCode.OK);
        var inList = await (await owner.GetAsync("/api/users?fields=email,id&limit=100")).Json(HttpStatusCode.OK);

        Assert.False(asStranger.TryGetProperty("email", out _));
        Assert.Equal(email, asOwner.GetProperty("email").GetString());
        Assert.All(inList.GetProperty("items").EnumerateArray(), u => Assert.False(u.TryGetProperty("email", out _)));
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task A_large_list_is_compressed_as_negotiated_and_decodes_to_the_same_json(string encoding)
    {
        var (author, client, _) = await fixture.Stack.NewUserAsync();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.PostJson("/api/posts", new { body = $"a post long enough to be worth compressing, number {i}" })));
        var url = $"/api/users/{author}/posts?limit=100";
        using var raw = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = Anonymous.BaseAddress };

        using var plain = await raw.GetAsync(url);
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        using var compressed = await raw.SendAsync(request);

        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal([encoding], compressed.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
        var plainBytes = await plain.Content.ReadAsByteArrayAsync();
        var compressedBytes = await compressed.Content.ReadAsByteArrayAsync();
        Assert.True(compressedBytes.Length < plainBytes.Length / 3, $"{compressedBytes.Length} of {plainBytes.Length} bytes");
        Assert.Equal(plainBytes, Decode(encoding, compressedBytes));
    }

    [Fact]
    public async Task A_small_response_stays_uncompressed()
    {
        var (id, _, _) = await fixture.Stack.NewUserAsync();
        using var raw = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = Anonymous.BaseAddress };
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/users/{id}");
        request.Headers.AcceptEncoding.ParseAdd("br, gzip");

        using var response = await raw.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.True(response.Content.Headers.ContentLength < 1024);
    }

    [Fact]
    public async Task Public_reads_are_cacheable_and_personal_ones_are_private()
    {
        var (id, owner, email) = await fixture.Stack.NewUserAsync();
        var post = await (await owner.PostJson("/api/posts", new { body = "cache me" })).Json(HttpStatusCode.Created);

        using var publicProfile = await Anonymous.GetAsync($"/api/users/{id}");
        using var ownProfile = await owner.GetAsync($"/api/users/{id}");
        using var publicPost = await Anonymous.GetAsync($"/api/posts/{post.GetProperty("id")}");
        using var list = await Anonymous.GetAsync("/api/users?limit=5");
        using var session = await Anonymous.PostJson("/api/sessions", new { email, password = "correct horse battery" });

        Assert.True(publicProfile.Headers.CacheControl is { Public: true, MaxAge: not null }, publicProfile.Headers.CacheControl?.ToString());
        Assert.Contains("stale-while-revalidate", publicProfile.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Contains("Authorization", publicProfile.Headers.Vary);
        Assert.True(ownProfile.Headers.CacheControl is { Private: true, NoCache: true }, ownProfile.Headers.CacheControl?.ToString());
        Assert.True(publicPost.Headers.CacheControl is { Public: true });
        Assert.True(list.Headers.CacheControl is { Public: true });
        Assert.True(session.Headers.CacheControl is { NoStore: true });
    }

    [Fact]
    public async Task List_pages_carry_an_etag_that_answers_304_until_the_page_changes()
    {
        var (author, client, _) = await fixture.Stack.NewUserAsync();
        await client.PostJson("/api/posts", new { body = "first" });
        var url = $"/api/users/{author}/posts";

        using var first = await Anonymous.GetAsync(url);
        var etag = first.Headers.ETag!.ToString();
        using var unchanged = await Anonymous.GetWith(url, "If-None-Match", etag);
        await client.PostJson("/api/posts", new { body = "second" });
        using var changed = await Anonymous.GetWith(url, "If-None-Match", etag);

        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task A_post_read_answers_304_for_its_etag_and_a_projection_has_its_own_etag()
    {
        var (_, client, _) = await fixture.Stack.NewUserAsync();
        var id = (await (await client.PostJson("/api/posts", new { body = "etag" })).Json(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        using var full = await Anonymous.GetAsync($"/api/posts/{id}");
        using var projected = await Anonymous.GetAsync($"/api/posts/{id}?fields=id");
        using var again = await Anonymous.GetWith($"/api/posts/{id}", "If-None-Match", full.Headers.ETag!.ToString());

        Assert.NotEqual(full.Headers.ETag, projected.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    private static byte[] Decode(string encoding, byte[] bytes)
    {
        using var input = new MemoryStream(bytes);
        using Stream decoder = encoding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }
}
