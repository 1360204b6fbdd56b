using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Actors.Stack.Tests.Infrastructure;
using Actors.Testing;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Actors.Stack.Tests;

/// <summary>
/// A silo dies without warning (SIGKILL), or freezes (SIGSTOP) until the cluster declares it dead and
/// then wakes up, while three silos and two gateways serve: profile edits through one gateway, reads
/// of the same profiles through the other, posts created with and without an Idempotency-Key. No read
/// returns a value older than an edit acknowledged before it started, no request fails, and nothing
/// acknowledged is lost or made twice. Each test has its own stack and runs alone.
/// </summary>
[Collection(LifecycleGroup.Name)]
public sealed class SiloCrashTests(ITestOutputHelper output)
{
    private const int Editors = 16;
    private const int Readers = 8;
    private const int Posters = 4;
    private const int DeadStatus = 6;
    private static readonly TimeSpan Before = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_silo_killed_under_load_serves_no_stale_read_and_fails_no_request()
    {
        await using var run = await CrashRun.StartAsync(output);
        await run.Load.RunForAsync(Before);
        await run.Victim.KillAsync();
        run.Load.Mark("SIGKILL");
        await Poll.UntilAsync(() => run.VictimDeadAsync(), "the killed silo declared dead in the membership table", Patience);
        run.Load.Mark("declared dead");
        // New activations elsewhere now take the edits, while the reading gateway may still hold entries
        // the dead activations leased it.
        await run.Load.RunForAsync(After);
        await run.FinishAsync();
    }

    [Fact]
    public async Task A_silo_frozen_past_its_death_serves_and_acknowledges_nothing_when_it_wakes()
    {
        await using var run = await CrashRun.StartAsync(output);
        await run.Load.RunForAsync(Before);
        await run.Victim.SignalAsync("STOP");
        run.Load.Mark("SIGSTOP");
        try
        {
            await Poll.UntilAsync(() => run.VictimDeadAsync(), "the frozen silo declared dead in the membership table", Patience);
            run.Load.Mark("declared dead");
            // Woken while gateways may still hold connections to it, with requests sent before the freeze
            // waiting in its sockets.
            await run.Load.RunForAsync(TimeSpan.FromMilliseconds(300));
        }
        finally
        {
            await run.Victim.SignalAsync("CONT");
        }

        run.Load.Mark("SIGCONT");
        await run.Load.RunForAsync(After);
        await Poll.UntilAsync(() => Task.FromResult(run.Victim.HasExited), "the woken silo stopped itself", Patience);
        await run.FinishAsync();
    }

    /// <summary>One stack under the load, the silo to kill or freeze, and the checks every case makes.</summary>
    private sealed class CrashRun : IAsyncDisposable
    {
        private readonly ITestOutputHelper _output;

        private CrashRun(Deployment stack, ITestOutputHelper output, CrashLoad load, ServiceProcess victim, ServiceProcess readGateway)
        {
            ReadGateway = readGateway;
            Stack = stack;
            _output = output;
            Load = load;
            Victim = victim;
        }

        public Deployment Stack { get; }

        public CrashLoad Load { get; }

        public ServiceProcess Victim { get; }

        /// <summary>The gateway the profiles are read through.</summary>
        public ServiceProcess ReadGateway { get; }

        public static async Task<CrashRun> StartAsync(ITestOutputHelper output)
        {
            var stack = await Deployment.StartAsync(silos: 3);
            try
            {
                var (readGateway, reads) = await stack.StartExtraGatewayProcessAsync();
                var editors = new List<(Guid Id, HttpClient Client)>();
                for (var i = 0; i < Editors + Posters; i++)
                {
                    var (id, client, _) = await stack.NewUserAsync();
                    editors.Add((id, client));
                }

                // The reading gateway holds every profile before the load starts (admitted on its second read).
                foreach (var (id, _) in editors)
                {
                    for (var read = 0; read < 2; read++)
                    {
                        (await reads.GetAsync($"/api/users/{id}")).EnsureSuccessStatusCode();
                    }
                }

                var load = CrashLoad.Start(editors[..Editors], editors[Editors..], reads);
                return new CrashRun(stack, output, load, stack.Silos[0], readGateway);
            }
            catch
            {
                await stack.DisposeAsync();
                throw;
            }
        }

        public async Task<bool> VictimDeadAsync()
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis);
            var entries = await redis.GetDatabase().HashGetAllAsync($"{Deployment.ServiceId}/members/{Stack.ClusterId}");
            var port = Stack.SiloGatewayEndpoint(0).Port;
            return entries.Where(e => e.Name != "Version")
                .Select(e => JsonDocument.Parse(e.Value.ToString()).RootElement)
                .Any(m => m.GetProperty("ProxyPort").GetInt32() == port && m.GetProperty("Status").GetInt32() == DeadStatus);
        }

        /// <summary>Stops the load and checks every promise; the report goes to the test's output.</summary>
        public async Task FinishAsync()
        {
            await Load.StopAsync();

            _output.WriteLine(Load.Report());

            var stale = Load.StaleReads();
            Assert.True(stale.Count == 0, $"{stale.Count} reads returned an edit older than one acknowledged before they started:\n"
                + string.Join('\n', stale.Take(10)));
            Assert.True(Load.Failures.IsEmpty, $"{Load.Failures.Count} requests failed:\n{string.Join('\n', Load.Failures.Take(15))}"
                + $"\n--- gateway:\n{Stack.Gateway!.Output()}\n--- reading gateway:\n{ReadGateway.Output()}"
                + string.Concat(Stack.Silos.Where(s => s != Victim).Select(Problems)));

            // Nothing acknowledged is lost: each profile holds its last acknowledged edit (edits of one profile
            // follow one another), and every created post exists once.
            await using var db = NpgsqlDataSource.Create(Stack.Postgres);
            foreach (var (id, round) in Load.LastEdits)
            {
                Assert.Equal($"v{round}", await Rows.ScalarAsync<string>(db, "SELECT display_name FROM users WHERE id = $1", id));
            }

            var created = Load.CreatedPosts.ToList();
            Assert.NotEmpty(created);
            Assert.Equal(created.Count, created.Distinct().Count());
            Assert.Equal(created.Count, await Rows.ScalarAsync<long>(db, "SELECT count(*) FROM posts WHERE body LIKE 'crash %'"));
            Assert.Equal(created.Count, await Rows.ScalarAsync<long>(db, "SELECT count(*) FROM posts WHERE id = ANY($1)", created.ToArray()));
        }

        public async ValueTask DisposeAsync()
        {
            await Load.DisposeAsync();
            await Stack.DisposeAsync();
        }

        private static string Problems(ServiceProcess silo) =>
            $"\n--- {silo.Name}:\n" + string.Join('\n', silo.LinesWith("\"Category\":\"Actors.")
                .Where(line => !line.Contains("\"LogLevel\":\"Information\"", StringComparison.Ordinal))
                .Take(30).Select(line => line[..Math.Min(line.Length, 600)]));
    }

    /// <summary>
    /// Editors change their display names one edit after another through the first gateway; readers read
    /// those profiles through the second; posters create posts, half with an Idempotency-Key. Every
    /// request's start, end and outcome is kept.
    /// </summary>
    private sealed class CrashLoad : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(4));
        private readonly Task _running;
        private readonly ConcurrentDictionary<Guid, ConcurrentBag<(long AckedAt, int Round)>> _edits = new();
        private readonly ConcurrentBag<(Guid Id, long StartedAt, int Round)> _reads = [];
        private readonly ConcurrentBag<(long StartedAt, long EndedAt, string Kind)> _answered = [];
        private readonly ConcurrentQueue<(long At, string Event)> _marks = new();
        private readonly long _started = Stopwatch.GetTimestamp();

        private CrashLoad(IReadOnlyList<(Guid Id, HttpClient Client)> editors, IReadOnlyList<(Guid Id, HttpClient Client)> posters, HttpClient reads)
        {
            var ids = editors.Select(e => e.Id).ToArray();
            _running = Task.WhenAll(
                editors.Select(e => Task.Run(() => EditAsync(e.Id, e.Client)))
                    .Concat(Enumerable.Range(0, Readers).Select(r => Task.Run(() => ReadAsync(reads, ids, r))))
                    .Concat(posters.Select((p, i) => Task.Run(() => PostAsync(p.Client, withKey: i % 2 == 0)))));
        }

        public ConcurrentQueue<string> Failures { get; } = new();

        public ConcurrentBag<Guid> CreatedPosts { get; } = [];

        public IEnumerable<(Guid Id, int Round)> LastEdits => _edits.Select(e => (e.Key, e.Value.Max(edit => edit.Round)));

        public static CrashLoad Start(
            IReadOnlyList<(Guid Id, HttpClient Client)> editors, IReadOnlyList<(Guid Id, HttpClient Client)> posters, HttpClient reads) =>
            new(editors, posters, reads);

        public async Task RunForAsync(TimeSpan duration)
        {
            var answered = _answered.Count;
            await Task.Delay(duration);
            Assert.True(_answered.Count > answered, $"no request was answered in {duration}");
        }

        public void Mark(string what) => _marks.Enqueue((Stopwatch.GetTimestamp(), what));

        public async Task StopAsync()
        {
            _stop.Cancel();
            await _running;
        }

        public List<string> StaleReads() =>
            _reads.Where(read => _edits.TryGetValue(read.Id, out var acked)
                    && acked.Where(edit => edit.AckedAt < read.StartedAt).Select(edit => edit.Round).DefaultIfEmpty(0).Max() > read.Round)
                .Select(read => $"{At(read.StartedAt)}: {read.Id} read v{read.Round}, "
                    + $"v{_edits[read.Id].Where(e => e.AckedAt < read.StartedAt).Max(e => e.Round)} acknowledged before")
                .ToList();

        /// <summary>Requests, the slowest ones, and the events, each at its time into the run.</summary>
        public string Report()
        {
            var marks = string.Join(", ", _marks.Select(m => $"{m.Event} at {At(m.At)}"));
            var slowest = _answered.OrderByDescending(a => a.EndedAt - a.StartedAt).Take(5)
                .Select(a => $"{a.Kind} from {At(a.StartedAt)} took {Stopwatch.GetElapsedTime(a.StartedAt, a.EndedAt).TotalMilliseconds:F0} ms");
            var kinds = string.Join(", ", _answered.GroupBy(a => a.Kind).Select(g => $"{g.Count()} {g.Key}"));
            return $"{_answered.Count} requests answered ({kinds}), {Failures.Count} failed; {marks}\nslowest: {string.Join("; ", slowest)}";
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _running;
            }
            catch (Exception)
            {
                // Reported by the test that ran the load, if it got that far.
            }

            _stop.Dispose();
        }

        private string At(long timestamp) => $"{Stopwatch.GetElapsedTime(_started, timestamp).TotalSeconds:F2} s";

        private async Task EditAsync(Guid id, HttpClient client)
        {
            for (var round = 1; !_stop.IsCancellationRequested; round++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await Send("edit", started, () => client.PatchJson($"/api/users/{id}", new { displayName = $"v{round}" }));
                if (response?.StatusCode == HttpStatusCode.OK)
                {
                    _edits.GetOrAdd(id, _ => []).Add((Stopwatch.GetTimestamp(), round));
                }
                else if (response is not null)
                {
                    await Failed("edit", started, response);
                }
            }
        }

        private async Task ReadAsync(HttpClient reads, Guid[] ids, int seed)
        {
            var random = new Random(seed);
            while (!_stop.IsCancellationRequested)
            {
                var id = ids[random.Next(ids.Length)];
                var started = Stopwatch.GetTimestamp();
                using var response = await Send("read", started, () => reads.GetAsync($"/api/users/{id}"));
                if (response?.StatusCode == HttpStatusCode.OK)
                {
                    var name = (await response.Json(HttpStatusCode.OK)).GetProperty("displayName").GetString()!;
                    _reads.Add((id, started, name.StartsWith('v') ? int.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture) : 0));
                }
                else if (response is not null)
                {
                    await Failed("read", started, response);
                }
            }
        }

        private async Task PostAsync(HttpClient client, bool withKey)
        {
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await Send(withKey ? "post with key" : "post", started, () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts") { Content = System.Net.Http.Json.JsonContent.Create(new { body = $"crash {i}" }) };
                    if (withKey)
                    {
                        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                    }

                    return client.SendAsync(request);
                });
                if (response?.StatusCode == HttpStatusCode.Created)
                {
                    CreatedPosts.Add((await response.Json(HttpStatusCode.Created)).GetProperty("id").GetGuid());
                }
                else if (response is not null)
                {
                    await Failed("post", started, response);
                }
            }
        }

        private async Task<HttpResponseMessage?> Send(string kind, long started, Func<Task<HttpResponseMessage>> send)
        {
            try
            {
                var response = await send();
                _answered.Add((started, Stopwatch.GetTimestamp(), kind));
                return response;
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                Failures.Enqueue($"{kind} from {At(started)}: {ex.GetType().Name}: {ex.Message}");
                return null;
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return null;
            }
        }

        private async Task Failed(string kind, long started, HttpResponseMessage response) =>
            Failures.Enqueue($"{kind} from {At(started)} answered {(int)response.StatusCode} after "
                + $"{Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms: {await response.Content.ReadAsStringAsync()}");
    }
}
