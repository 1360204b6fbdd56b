using System.Net;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

[Collection(StackGroup.Name)]
public sealed class DatabaseOutageTests(StackFixture fixture)
{
    [Fact]
    public async Task While_PostgreSQL_is_unreachable_writes_get_503_with_retry_after_hot_reads_still_work_and_all_recovers()
    {
        var stack = fixture.Stack;
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
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signUp.StatusCode);

            using var coldRead = await stack.Http.GetAsync($"/api/posts/{Guid.CreateVersion7()}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, coldRead.StatusCode);

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

        // No restart, no operator: the next write succeeds.
        using var after = await client.PostJson("/api/posts", new { body = "after the outage" });
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
    }
}
