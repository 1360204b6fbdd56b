using System.Net;
using System.Net.Http.Headers;
using Actors.Stack.Tests.Infrastructure;
using Npgsql;
using SkiaSharp;

namespace Actors.Stack.Tests;

[Collection(StackGroup.Name)]
public sealed class AvatarApiTests(StackFixture fixture)
{
    [Theory]
    [InlineData("image/png", SKEncodedImageFormat.Png, 640, 480)]
    [InlineData("image/jpeg", SKEncodedImageFormat.Jpeg, 300, 900)]
    public async Task An_uploaded_image_becomes_64_and_256_pixel_png_thumbnails_served_with_etag_and_long_caching(
        string contentType, SKEncodedImageFormat format, int width, int height)
    {
        var (me, client, _) = await fixture.Stack.NewUserAsync();
        using var upload = await Put(client, me, Image(format, width, height), contentType);
        var accepted = await upload.Json(HttpStatusCode.Accepted);
        Assert.Equal("processing", accepted.GetProperty("status").GetString());
        Assert.Equal($"/api/users/{me}/avatar", upload.Headers.Location?.ToString());

        foreach (var size in new[] { 64, 256 })
        {
            var response = await Ready(me, size);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.CacheControl is { Public: true, MaxAge.TotalDays: >= 1 });
            using var thumbnail = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal((size, size), (thumbnail.Width, thumbnail.Height));
            var etag = response.Headers.ETag!.ToString();
            Assert.Equal(HttpStatusCode.NotModified, (await fixture.Stack.Http.GetWith($"/api/users/{me}/avatar?size={size}", "If-None-Match", etag)).StatusCode);
        }

        // A new upload is a new version: the old ETag no longer matches.
        var first = (await Ready(me, 64)).Headers.ETag!.ToString();
        (await Put(client, me, Image(SKEncodedImageFormat.Png, 100, 100), "image/png")).EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await fixture.Stack.Http.GetWith($"/api/users/{me}/avatar?size=64", "If-None-Match", first)).StatusCode != HttpStatusCode.OK
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.NotEqual(first, (await Ready(me, 64)).Headers.ETag!.ToString());
    }

    [Fact]
    public async Task A_corrupt_file_and_a_50_mb_file_are_refused_with_4xx_and_leave_nothing_behind()
    {
        var (me, client, _) = await fixture.Stack.NewUserAsync();
        var corrupt = Image(SKEncodedImageFormat.Png, 200, 200);
        Array.Fill(corrupt, (byte)0x5A, 8, corrupt.Length - 8); // the PNG signature, then garbage
        Assert.Equal("invalid_avatar", await (await Put(client, me, corrupt, "image/png")).ProblemCode(HttpStatusCode.UnprocessableEntity));
        // Valid headers, damaged or missing pixel data: found by decoding every pixel before anything is stored.
        var damaged = Image(SKEncodedImageFormat.Png, 200, 200);
        Array.Fill(damaged, (byte)0x5A, damaged.Length / 2, 64);
        Assert.Equal("invalid_avatar", await (await Put(client, me, damaged, "image/png")).ProblemCode(HttpStatusCode.UnprocessableEntity));
        var truncated = Image(SKEncodedImageFormat.Jpeg, 300, 300)[..^2000];
        Assert.Equal("invalid_avatar", await (await Put(client, me, truncated, "image/jpeg")).ProblemCode(HttpStatusCode.UnprocessableEntity));
        Assert.Equal("invalid_avatar", await (await Put(client, me, Image(SKEncodedImageFormat.Jpeg, 64, 64), "image/png")).ProblemCode(HttpStatusCode.UnprocessableEntity));
        Assert.Equal("invalid_avatar", await (await Put(client, me, Image(SKEncodedImageFormat.Png, 8, 8), "image/png")).ProblemCode(HttpStatusCode.UnprocessableEntity));

        var huge = new byte[50 * 1024 * 1024];
        Image(SKEncodedImageFormat.Png, 64, 64).CopyTo(huge, 0);
        // Refused from its declared length before the body is sent (the client waits for 100-continue).
        Assert.Equal("payload_too_large", await (await Put(client, me, huge, "image/png", expectContinue: true)).ProblemCode(HttpStatusCode.RequestEntityTooLarge));
        Assert.Equal("unsupported_media_type", await (await Put(client, me, [1, 2, 3], "image/gif")).ProblemCode(HttpStatusCode.UnsupportedMediaType));

        await using var db = NpgsqlDataSource.Create(fixture.Stack.Postgres);
        await using var count = db.CreateCommand("SELECT count(*) FROM avatars WHERE user_id = $1");
        count.Parameters.AddWithValue(me);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
        Assert.Equal("avatar_not_found", await (await fixture.Stack.Http.GetAsync($"/api/users/{me}/avatar")).ProblemCode(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task A_refused_upload_leaves_the_previous_avatar_as_it_was()
    {
        var (me, client, _) = await fixture.Stack.NewUserAsync();
        (await Put(client, me, Image(SKEncodedImageFormat.Png, 120, 120), "image/png")).EnsureSuccessStatusCode();
        var before = await Ready(me, 64);
        var etag = before.Headers.ETag!.ToString();
        var png = await before.Content.ReadAsByteArrayAsync();

        var damaged = Image(SKEncodedImageFormat.Png, 300, 300);
        Array.Fill(damaged, (byte)0x5A, damaged.Length / 2, 64);
        var problem = await (await Put(client, me, damaged, "image/png")).Json(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("invalid_avatar", problem.GetProperty("code").GetString());
        Assert.Contains("corrupt or truncated", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var after = await Ready(me, 64);
        Assert.Equal(etag, after.Headers.ETag!.ToString());
        Assert.Equal(png, await after.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Only_the_owner_uploads_and_sizes_other_than_64_or_256_are_refused()
    {
        var (me, _, _) = await fixture.Stack.NewUserAsync();
        var (_, other, _) = await fixture.Stack.NewUserAsync();
        Assert.Equal("not_owner", await (await Put(other, me, Image(SKEncodedImageFormat.Png, 64, 64), "image/png")).ProblemCode(HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Put(fixture.Stack.Http, me, Image(SKEncodedImageFormat.Png, 64, 64), "image/png")).StatusCode);
        Assert.Equal("invalid_size", await (await fixture.Stack.Http.GetAsync($"/api/users/{me}/avatar?size=128")).ProblemCode(HttpStatusCode.BadRequest));
    }

    private async Task<HttpResponseMessage> Ready(Guid user, int size)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await fixture.Stack.Http.GetAsync($"/api/users/{user}/avatar?size={size}");
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                return response;
            }

            Assert.Equal("avatar_processing", await response.ProblemCode(HttpStatusCode.NotFound));
            await Task.Delay(100);
        }
    }

    private static Task<HttpResponseMessage> Put(HttpClient client, Guid user, byte[] body, string contentType, bool expectContinue = false)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/users/{user}/avatar") { Content = content };
        request.Headers.ExpectContinue = expectContinue;
        return client.SendAsync(request);
    }

    // A real encoded image with some detail, so the encoders have work to do.
    private static byte[] Image(SKEncodedImageFormat format, int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SteelBlue);
            using var paint = new SKPaint { Color = SKColors.Orange, IsAntialias = true };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }
}
