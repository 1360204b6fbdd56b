using System.Net;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>Its own stack: cutting Redis off would disturb every test sharing one.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task While_Redis_is_unreachable_the_cluster_keeps_serving_and_stays_ready_and_a_silo_joins_once_it_returns()
    {
        await using var stack = await Deployment.StartAsync(silos: 2);
        var (id, client, _) = await stack.NewUserAsync();
        using var probe = new HttpClient();

        try
        {
            stack.Redis.Cut();

            // Every silo and the gateway notice (the dependency report says so), and all stay ready and
            // live: a process that can still serve must not leave the load balancer, nor be restarted.
            var gateway = new Uri(stack.Http.BaseAddress!, "/health/");
            foreach (var silo in new[] { 0, 1 })
            {
                await probe.WaitForStatus(stack.SiloHealth(silo, "dependencies"), HttpStatusCode.ServiceUnavailable);
            }

            await probe.WaitForStatus(new Uri(gateway, "dependencies"), HttpStatusCode.ServiceUnavailable);
            // The silos' own checks run every few seconds: give readiness the time to have run with Redis away.
            await Task.Delay(TimeSpan.FromSeconds(6));
            foreach (var silo in new[] { 0, 1 })
            {
                Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync(stack.SiloHealth(silo, "ready"))).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync(stack.SiloHealth(silo, "live"))).StatusCode);
            }

            Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync(new Uri(gateway, "ready"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync(new Uri(gateway, "live"))).StatusCode);

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

        // No restart, no operator: the dependency report clears, and the cluster can grow again
        // (joining goes through the membership table in Redis).
        await probe.WaitForStatus(stack.SiloHealth(0, "dependencies"), HttpStatusCode.OK);
        await probe.WaitForStatus(stack.SiloHealth(1, "dependencies"), HttpStatusCode.OK);
        await probe.WaitForStatus(new Uri(stack.Http.BaseAddress!, "/health/dependencies"), HttpStatusCode.OK);
        await stack.StartSiloAsync(2);
        using var posts = await stack.Http.GetAsync($"/api/users/{id}/posts?limit=50");
        Assert.Equal(20, (await posts.Json(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
    }
}
