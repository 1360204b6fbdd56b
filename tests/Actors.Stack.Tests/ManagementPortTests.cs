using System.Globalization;
using System.Net;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>A gateway with a management port: probes and metrics there, the API on its own port only.</summary>
[Collection(StackGroup.Name)]
public sealed class ManagementPortTests(StackFixture fixture)
{
    [Fact]
    public async Task Metrics_and_health_answer_only_on_the_management_port_and_the_api_only_off_it()
    {
        var managementPort = TestEnvironment.FreePort();
        var api = await fixture.Stack.StartExtraGatewayAsync(new Dictionary<string, string>
        {
            ["Gateway__ManagementPort"] = managementPort.ToString(CultureInfo.InvariantCulture),
        });
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{managementPort}") };

        foreach (var path in new[] { "/health/ready", "/health/live", "/health/startup", "/metrics" })
        {
            Assert.Equal(HttpStatusCode.OK, (await management.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/users?limit=1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/api/users?limit=1")).StatusCode);
        // What the API served is counted on the management port.
        Assert.Contains("http_server_request_duration_seconds", await management.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }
}
