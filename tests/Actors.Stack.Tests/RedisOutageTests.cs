using System.Net;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>Its own stack: cutting Redis off would disturb every test sharing one.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task While_Redis_is_unreachable_the_cluster_keeps_serving_readiness_says_so_and_a_silo_joins_once_it_returns()
    {
        await using var stack = await Deployment.StartAsync(silos: 2);
        var (id, client, _) = await stack.NewUserAsync();
        using var probe = new HttpClient();

        try
        {
            stack.Redis.Cut();

            // Readiness notices on every silo and the gateway; liveness does not: an outage of the
            // membership store is no reason to restart anything.
            foreach (var silo in new[] { 0, 1 })
            {
                await probe.WaitForStatus(stack.SiloHealth(silo, "ready"), HttpStatusCode.ServiceUnavailable);
                Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync(stack.SiloHealth(silo, "live"))).StatusCode);
            }

            await probe.WaitForStatus(new Uri(stack.Http.BaseAddress!, "/health/ready"), HttpStatusCode.ServiceUnavailable);
            Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync(new Uri(stack.Http.BaseAddress!, "/health/live"))).StatusCode);

            // The silos know each other already: reads and writes go on, whichever silo they reach.
            for (var i = 0; i < 20; i++)
            {
                using var write = await client.PostJson("/api/posts", new { body = $"while Redis is away {i}" });
                Assert.Equal(HttpStatusCode.Created, write.StatusCode);
                using var read = await stack.Http.GetAsync($"/api/users/{id}");
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            }
        }
        finally
        {
            stack.Redis.Restore();
        }

        // No restart, no operator: readiness comes back, and the cluster can grow again (joining
        // goes through the membership table in Redis).
        await probe.WaitForStatus(stack.SiloHealth(0, "ready"), HttpStatusCode.OK);
        await probe.WaitForStatus(stack.SiloHealth(1, "ready"), HttpStatusCode.OK);
        await probe.WaitForStatus(new Uri(stack.Http.BaseAddress!, "/health/ready"), HttpStatusCode.OK);
        await stack.StartSiloAsync(2);
        using var posts = await stack.Http.GetAsync($"/api/users/{id}/posts?limit=50");
        Assert.Equal(20, (await posts.Json(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
    }
}
