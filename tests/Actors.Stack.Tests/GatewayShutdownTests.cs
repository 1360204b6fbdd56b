using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Actors.Stack.Tests.Infrastructure;
using Actors.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Actors.Stack.Tests;

/// <summary>
/// SIGTERM to the gateway, as an orchestrator stops it: it closes its listener, finishes the requests
/// it already took, and exits 0 within Gateway:ShutdownTimeout. Its own stack: the gateway does not survive.
/// </summary>
[Collection(LifecycleGroup.Name)]
public sealed class GatewayShutdownTests(ITestOutputHelper output)
{
    private const int HeldPosts = 8;
    private const int SignUps = 8;

    [Fact]
    public async Task SIGTERM_finishes_requests_in_flight_refuses_new_connections_and_exits_0()
    {
        await using var stack = await Deployment.StartAsync(silos: 1, gatewaySettings: new Dictionary<string, string>
        {
            ["Gateway__ShutdownTimeout"] = "00:00:20",
            // Production's cost: each sign-up spends a noticeable moment hashing its password.
            ["Auth__PasswordIterations"] = "100000",
        });
        var (author, asAuthor, _) = await stack.NewUserAsync();

        // Posts and sign-ups whose bodies arrive only when the test lets them: taken by the gateway
        // before SIGTERM, their work (hashing, grain calls, PostgreSQL) happens while it drains.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var posts = Enumerable.Range(0, HeldPosts)
            .Select(i => HeldPostAsync(asAuthor, "/api/posts", $$"""{"body":"held {{i}}"}""", release.Task));
        var signUps = Enumerable.Range(0, SignUps).Select(i => HeldPostAsync(stack.Http, "/api/users",
            $$"""{"handle":"drain_{{tag}}_{{i}}","email":"drain_{{tag}}_{{i}}@example.test","displayName":"Drain","password":"correct horse battery"}""",
            release.Task));
        var requests = posts.Concat(signUps).ToList();
        await Poll.UntilAsync(async () => await ActivePostRequestsAsync(stack.Http) >= HeldPosts + SignUps, "the gateway working on every request", interval: TimeSpan.FromMilliseconds(20));

        var clock = Stopwatch.StartNew();
        await stack.Gateway!.TerminateAsync();
        await Poll.UntilAsync(() => Task.FromResult(!Accepts(stack.GatewayPort)), "the listener closed", interval: TimeSpan.FromMilliseconds(20));
        var refusedAfter = clock.Elapsed;
        var stillRunning = !stack.Gateway.HasExited;
        release.SetResult();

        var answers = await Task.WhenAll(requests);
        var answered = clock.Elapsed;
        var exitCode = await stack.Gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var exited = clock.Elapsed;
        output.WriteLine($"{HeldPosts} posts and {SignUps} sign-ups in flight at SIGTERM; new connections refused after "
            + $"{refusedAfter.TotalMilliseconds:F0} ms; all answered after {answered.TotalSeconds:F1} s; the gateway exited with {exitCode} after {exited.TotalSeconds:F1} s");

        Assert.All(answers[..HeldPosts], a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.All(answers[HeldPosts..], a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        Assert.True(stillRunning, "the listener should close while the requests in flight are still being finished");
        Assert.Equal(0, exitCode);
        Assert.True(exited < TimeSpan.FromSeconds(20), $"exited {exited} after SIGTERM, beyond Gateway:ShutdownTimeout");
        Assert.False(Accepts(stack.GatewayPort));

        // Every answered write is in PostgreSQL.
        await using var db = NpgsqlDataSource.Create(stack.Postgres);
        await using var count = db.CreateCommand(
            "SELECT (SELECT count(*) FROM posts WHERE author_id = $1) + (SELECT count(*) FROM sign_ups WHERE handle LIKE $2)");
        count.Parameters.AddWithValue(author);
        count.Parameters.AddWithValue($"drain\\_{tag}\\_%");
        Assert.Equal((long)(HeldPosts + SignUps), await count.ExecuteScalarAsync());
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task A_request_that_outlasts_Gateway_ShutdownTimeout_does_not_keep_the_gateway_from_exiting()
    {
        await using var stack = await Deployment.StartAsync(silos: 1, gatewaySettings: new Dictionary<string, string>
        {
            ["Gateway__ShutdownTimeout"] = "00:00:02",
        });
        var (_, asAuthor, _) = await stack.NewUserAsync();
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuck = HeldPostAsync(asAuthor, "/api/posts", """{"body":"never finished"}""", never.Task);
        await Poll.UntilAsync(async () => await ActivePostRequestsAsync(stack.Http) >= 1, "the gateway working on the request", interval: TimeSpan.FromMilliseconds(20));

        var clock = Stopwatch.StartNew();
        await stack.Gateway!.TerminateAsync();
        var exitCode = await stack.Gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var exited = clock.Elapsed;
        output.WriteLine($"exited with {exitCode} {exited.TotalSeconds:F1} s after SIGTERM with a request that never finishes");

        Assert.True(exited < TimeSpan.FromSeconds(10), $"exited {exited} after SIGTERM with Gateway:ShutdownTimeout 2 s");
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{stack.Gateway.Output()}");
        // The rest of its body now meets a closed connection.
        never.SetResult();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => stuck);
    }

    /// <summary>A POST whose JSON body is sent in two parts: the last byte only once <paramref name="release"/> completes.</summary>
    private static Task<HttpResponseMessage> HeldPostAsync(HttpClient client, string url, string json, Task release) =>
        client.PostAsync(url, new HeldContent(json, release));

    /// <summary>POST requests the gateway is working on, from its own metrics (the scrape itself is a GET).</summary>
    private static async Task<double> ActivePostRequestsAsync(HttpClient http)
    {
        return Metrics.Value(await http.GetStringAsync("/metrics"), "http_server_active_requests", "http_request_method=\"POST\"");
    }

    /// <summary>True when a new TCP connection to the port is accepted.</summary>
    private static bool Accepts(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
    /// <summary>A JSON body of known length whose last byte is written only once released.</summary>
    private sealed class HeldContent : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly Task _release;

        public HeldContent(string json, Task release)
        {
            _bytes = Encoding.UTF8.GetBytes(json);
            _release = release;
            Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_bytes.AsMemory(0, _bytes.Length - 1));
            await stream.FlushAsync();
            await _release;
            await stream.WriteAsync(_bytes.AsMemory(_bytes.Length - 1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }
}
