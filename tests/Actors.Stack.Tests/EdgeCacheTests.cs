using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>
/// The shipped edge (deploy/edge/actors.conf.template) as nginx runs it, in front of the stack's
/// gateway: HTTP/2 over TLS to the client, public GETs answered from its cache per the gateway's
/// Cache-Control, personal ones never cached.
/// </summary>
[Collection(StackGroup.Name)]
public sealed class EdgeCacheTests(StackFixture fixture)
{
    [Fact]
    public async Task The_edge_serves_a_repeated_public_get_itself_never_caches_a_personal_one_and_speaks_http2()
    {
        await using var edge = await Edge.StartAsync(fixture.Stack.GatewayPort);
        var (id, owner, _) = await fixture.Stack.NewUserAsync();
        var post = (await (await owner.PostJson("/api/posts", new { body = "at the edge" })).Json(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var postsBefore = await GatewayRequests("/api/posts/{id}");
        using var first = await edge.Client.GetAsync($"/api/posts/{post}");
        using var second = await edge.Client.GetAsync($"/api/posts/{post}");
        var postsAfter = await GatewayRequests("/api/posts/{id}");

        Assert.Equal(HttpVersion.Version20, first.Version);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("MISS", Status(first));
        Assert.Equal("HIT", Status(second));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1, postsAfter - postsBefore);

        // The owner's profile, asked with the token: the gateway answers each time, the edge keeps nothing.
        var usersBefore = await GatewayRequests("/api/users/{id}");
        for (var i = 0; i < 2; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/users/{id}");
            request.Headers.Authorization = owner.DefaultRequestHeaders.Authorization;
            using var personal = await edge.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, personal.StatusCode);
            Assert.Contains("email", await personal.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.NotEqual("HIT", Status(personal));
        }

        // Read by anyone, the same profile carries no email: the owner's answer was never shared.
        using var anonymous = await edge.Client.GetAsync($"/api/users/{id}");
        Assert.DoesNotContain("email", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, await GatewayRequests("/api/users/{id}") - usersBefore);
    }

    private static string? Status(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Cache-Status", out var values) ? values.Single() : null;

    // The exporter serves one scrape for up to 300 ms: wait that out, so each count is current.
    private async Task<double> GatewayRequests(string route)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        return Metrics.Value(await Metrics.ScrapeAsync(new Uri(fixture.Stack.Http.BaseAddress!, "/metrics")),
            "http_server_request_duration_seconds_count", $"http_route=\"{route}\"");
    }

    /// <summary>nginx with the shipped edge configuration, on a port of its own, in a directory of its own.</summary>
    private sealed class Edge : IAsyncDisposable
    {
        private readonly Process _nginx;
        private readonly string _directory;

        private Edge(Process nginx, string directory, int port)
        {
            _nginx = nginx;
            _directory = directory;
            // The edge presents the development certificate: trusted by its authority, as clients would.
            var authority = TestEnvironment.TlsAuthority();
            var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 c && ServiceDefaults.ClusterTls.IssuedBy(c, authority);
            Client = new HttpClient(handler)
            {
                BaseAddress = new Uri($"https://127.0.0.1:{port}"),
                DefaultRequestVersion = HttpVersion.Version20,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            };
        }

        public HttpClient Client { get; }

        public static async Task<Edge> StartAsync(int gatewayPort)
        {
            var directory = Directory.CreateTempSubdirectory("actors-edge").FullName;
            var port = TestEnvironment.FreePort();
            var template = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepositoryRoot, "deploy/edge/actors.conf.template"));
            var site = template
                .Replace("${EDGE_PORT}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("${GATEWAY_UPSTREAMS}", $"server 127.0.0.1:{gatewayPort};", StringComparison.Ordinal)
                .Replace("${TLS_CERTIFICATE}", Path.Combine(TestEnvironment.TlsDirectory, "tls.crt"), StringComparison.Ordinal)
                .Replace("${TLS_KEY}", Path.Combine(TestEnvironment.TlsDirectory, "tls.key"), StringComparison.Ordinal)
                .Replace("${CACHE_DIR}", Path.Combine(directory, "cache"), StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(directory, "actors.conf"), site);
            await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), $$"""
                {{(Environment.UserName == "root" ? "user root;" : "")}}
                daemon off;
                worker_processes 1;
                pid {{directory}}/nginx.pid;
                error_log {{directory}}/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path {{directory}}/body;
                    proxy_temp_path {{directory}}/proxy;
                    include {{directory}}/actors.conf;
                }
                """);
            var program = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
            var nginx = Process.Start(new ProcessStartInfo(program, ["-p", directory, "-c", Path.Combine(directory, "nginx.conf")])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            }) ?? throw new InvalidOperationException("nginx did not start");
            var started = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    return new Edge(nginx, directory, port);
                }
                catch (SocketException) when (started.Elapsed < TimeSpan.FromSeconds(10) && !nginx.HasExited)
                {
                    await Task.Delay(100);
                }
                catch (SocketException)
                {
                    var log = File.Exists(Path.Combine(directory, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "error.log")) : "";
                    throw new InvalidOperationException($"nginx did not listen: {await nginx.StandardError.ReadToEndAsync()} {log}");
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            if (!_nginx.HasExited)
            {
                _nginx.Kill(entireProcessTree: true);
                await _nginx.WaitForExitAsync();
            }

            _nginx.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
