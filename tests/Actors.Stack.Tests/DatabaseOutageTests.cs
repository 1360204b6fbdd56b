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

            // Readiness notices the outage on every silo (as an orchestrator's probes would), and
            // liveness does not: a database outage is no reason to restart a silo.
            using var probe = new HttpClient();
            foreach (var silo in new[] { 0, 1 })
            {
                await probe.WaitForStatus(stack.SiloHealth(silo, "ready"), HttpStatusCode.ServiceUnavailable);
                Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync(stack.SiloHealth(silo, "live"))).StatusCode);
            }
        }
        finally
        {
            stack.Database.Restore();
        }

        // No restart, no operator: the first write after the database returns succeeds, and so do the
        // ones after it, whichever silo they land on (the failed checks dropped the broken connections).
        for (var i = 0; i < 20; i++)
        {
            using var write = await client.PostJson("/api/posts", new { body = $"after the outage {i}" });
            Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        }

        using var after = new HttpClient();
        await after.WaitForStatus(stack.SiloHealth(0, "ready"), HttpStatusCode.OK);
        await after.WaitForStatus(stack.SiloHealth(1, "ready"), HttpStatusCode.OK);
    }
}
