using System.Globalization;
using System.Net;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>HTTP/2 without TLS (h2c, prior knowledge) on the gateway's HTTP/2 port, HTTP/1.1 on the API port.</summary>
[Collection(StackGroup.Name)]
public sealed class Http2Tests(StackFixture fixture)
{
    [Fact]
    public async Task The_http2_port_serves_the_api_over_h2c_and_many_streams_share_one_connection()
    {
        var http2Port = TestEnvironment.FreePort();
        var managementPort = TestEnvironment.FreePort();
        var http1 = await fixture.Stack.StartExtraGatewayAsync(new Dictionary<string, string>
        {
            ["Gateway__Http2Port"] = http2Port.ToString(CultureInfo.InvariantCulture),
            ["Gateway__ManagementPort"] = managementPort.ToString(CultureInfo.InvariantCulture),
        });
        var (id, _, _) = await fixture.Stack.NewUserAsync();
        using var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false };
        using var h2 = new HttpClient(handler)
        {
            BaseAddress = new Uri($"http://127.0.0.1:{http2Port}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        // 50 requests at once: HTTP/2 multiplexes them as streams of one connection.
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => h2.GetAsync($"/api/users/{id}")));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.All(answers, a => Assert.Equal(HttpVersion.Version20, a.Version));

        // The API port keeps HTTP/1.1, and the management port still answers probes.
        using var one = await http1.GetAsync($"/api/users/{id}");
        Assert.Equal(HttpVersion.Version11, one.Version);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using var probe = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync($"http://127.0.0.1:{managementPort}/health/ready")).StatusCode);
    }
}
