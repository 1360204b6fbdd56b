using System.Net;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>Its own stack: cutting the database off would disturb every test sharing one.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task While_PostgreSQL_is_unreachable_writes_get_503_with_retry_after_hot_reads_still_work_and_all_recovers()
    {
        await using var stack = await Deployment.StartAsync(silos: 2);
        var (id, client, _) = await stack.NewUserAsync();
        (await stack.Http.GetAsync($"/api/users/{id}")).EnsureSuccessStatusCode();

        try
        {
            stack.Database.Cut();

            using var write = await client.PostJson("/api/posts", new { body = "during the outage" });
            Assert.Equal("database_unavailable", await write.ProblemCode(HttpStatusCode.ServiceUnavailable));
            Assert.True(write.Headers.RetryAfter?.Delta > TimeSpan.Zero);

            using var signUp = await stack.Http.PostJson("/api/users",
                new { handle = $"h_{Guid.NewGuid():N}"[..20], email = $"{Guid.NewGuid():N}@x.test", displayName = "X", password = "long enough password" });
            Assert.Equal("database_unavailable", await signUp.ProblemCode(HttpStatusCode.ServiceUnavailable));

            using var coldRead = await stack.Http.GetAsync($"/api/posts/{Guid.CreateVersion7()}");
            Assert.Equal("database_unavailable", await coldRead.ProblemCode(HttpStatusCode.ServiceUnavailable));

            // The profile is in grain memory: reading it needs no database.
            using var hotRead = await stack.Http.GetAsync($"/api/users/{id}");
            Assert.Equal(HttpStatusCode.OK, hotRead.StatusCode);

            using var silo = new HttpClient();
            using var ready = await silo.GetAsync(stack.SiloHealth(0, "ready"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var live = await silo.GetAsync(stack.SiloHealth(0, "live"));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            stack.Database.Restore();
        }

        // No restart, no operator. A write that meets a connection the cut broke is answered 503 and
        // clears that silo's pool; a client honouring Retry-After gets through, and then every write does.
        var attempts = 0;
        while (true)
        {
            using var retry = await client.PostJson("/api/posts", new { body = $"after the outage, attempt {attempts}" });
            if (retry.StatusCode == HttpStatusCode.Created)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, retry.StatusCode);
            Assert.True(++attempts < 5, "writes did not recover after the database returned");
            await Task.Delay(retry.Headers.RetryAfter!.Delta!.Value);
        }

        for (var i = 0; i < 20; i++)
        {
            using var write = await client.PostJson("/api/posts", new { body = $"steady {i}" });
            Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        }

        using var silo0 = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await silo0.GetAsync(stack.SiloHealth(0, "ready"))).StatusCode);
    }
}
