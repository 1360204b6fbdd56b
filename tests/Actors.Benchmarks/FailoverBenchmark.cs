using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Actors.Testing;
using Npgsql;
using StackExchange.Redis;

namespace Actors.Benchmarks;

/// <summary>
/// A silo killed under the mixed load (90% hot profile reads, 10% post writes with an Idempotency-Key),
/// on a stack of its own: three silos and a gateway with the product's failure detection and failover
/// settings. First a soak at full load with no kill, which must see no silo declared dead; then the kill.
/// Reports the errors, p50/p99/max latency in the 10 s after the kill against the 10 s before, how long
/// the cluster took to declare the silo dead, and how long until the request rate was back to 90% of
/// what it was before (and stayed there).
/// </summary>
internal sealed class FailoverBenchmark(BenchSettings settings, TimeSpan soak, string siloDll, string gatewayDll, string signingKey)
{
    private const int Silos = 3;
    private const int Readers = 500;
    private const int WriterAccounts = 50;
    private const int DeadStatus = 6;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Bucket = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Stays = TimeSpan.FromSeconds(5);
    private readonly Uri _gateway = new("http://127.0.0.1:8098");
    private readonly string _cluster = $"actors-failover-{Guid.NewGuid():N}"[..30];

    public async Task<int> RunAsync()
    {
        await using var db = NpgsqlDataSource.Create(settings.Postgres);
        using var http = Load.Client(settings.Connections);
        var processes = new List<ServiceProcess>();
        try
        {
            for (var i = 0; i < Silos; i++)
            {
                processes.Add(ServiceProcess.Start($"failover-silo{i}", siloDll, Common(new()
                {
                    ["Silo__Name"] = $"failover{i}",
                    ["Silo__SiloPort"] = (11311 + i).ToString(CultureInfo.InvariantCulture),
                    ["Silo__GatewayPort"] = (30300 + i).ToString(CultureInfo.InvariantCulture),
                    ["Urls"] = $"http://127.0.0.1:{8281 + i}",
                })));
            }

            for (var i = 0; i < Silos; i++)
            {
                await processes[i].WaitUntilHealthyAsync(http, new Uri($"http://127.0.0.1:{8281 + i}/health/ready"), TimeSpan.FromMinutes(2));
            }

            var gateway = ServiceProcess.Start("failover-gateway", gatewayDll, Common(new()
            {
                ["Urls"] = _gateway.ToString(),
                ["Auth__SigningKey"] = signingKey,
                ["RateLimit__Enabled"] = "false",
                ["RateLimit__LoginPermitLimit"] = "1000000",
                ["RateLimit__LoginPerAddressPermitLimit"] = "1000000",
            }));
            processes.Add(gateway);
            await gateway.WaitUntilHealthyAsync(http, new Uri(_gateway, "/health/ready"), TimeSpan.FromMinutes(2));

            var prefix = $"fo{Stopwatch.GetTimestamp() % 1_000_000_000:x}_";
            await Seeder.SeedAccountsAsync(db, prefix, Readers);
            var readers = await Rows.ListAsync<Guid>(db, "SELECT id FROM users WHERE starts_with(handle, $1)", prefix);
            var writers = await Writers.LogInAsync(http, _gateway, db, WriterAccounts);
            HttpRequestMessage Mixed(long n)
            {
                if (n % 10 == 9)
                {
                    var post = writers.NewPost(n);
                    post.Headers.Add("Idempotency-Key", $"{prefix}{n}");
                    return post;
                }

                return new HttpRequestMessage(HttpMethod.Get, new Uri(_gateway, $"/api/users/{readers[(int)(n % readers.Count)]}"));
            }

            Console.WriteLine($"failover: warming up for {settings.WarmUp.TotalSeconds:0} s ...");
            await RecordAsync(http, Mixed, settings.WarmUp, during: null);

            var lines = new List<string>();
            var errors = 0L;
            if (soak > TimeSpan.Zero)
            {
                Console.WriteLine($"failover: soak at full load for {soak.TotalSeconds:0} s, no kill ...");
                var soaked = await RecordAsync(http, Mixed, soak, during: null);
                var dead = await DeadSilosAsync();
                var alive = processes.Count(p => !p.HasExited);
                errors += soaked.Errors + dead;
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| soak: {soak.TotalMinutes:0.#} min of the mixed load at full speed ({settings.Connections} connections), no kill | {soaked.Count / soak.TotalSeconds:N0} req/s, p99 {soaked.Percentile(0, long.MaxValue, 99):0.0} ms, max {soaked.Percentile(0, long.MaxValue, 100):0} ms; {soaked.Errors} errors; silos declared dead: {dead}; processes running: {alive} of {processes.Count} |"));
            }

            Console.WriteLine($"failover: {Window.TotalSeconds:0} s of load, SIGKILL of a silo, {2 * Window.TotalSeconds:0} s more ...");
            long killedAt = 0;
            TimeSpan? declared = null;
            var run = await RecordAsync(http, Mixed, 3 * Window, during: async () =>
            {
                await Task.Delay(Window);
                killedAt = Stopwatch.GetTimestamp();
                await processes[0].KillAsync();
                while (Stopwatch.GetElapsedTime(killedAt) < Window && await DeadSilosAsync() == 0)
                {
                    await Task.Delay(50);
                }

                declared = await DeadSilosAsync() > 0 ? Stopwatch.GetElapsedTime(killedAt) : null;
            });
            var window = (long)(Window.TotalSeconds * Stopwatch.Frequency);
            var before = (From: killedAt - window, To: killedAt);
            var after = (From: killedAt, To: killedAt + window);
            var rate = run.Rate(before.From, before.To);
            var back = run.BackTo(0.9 * rate, killedAt, Bucket, Stays);
            var afterErrors = run.ErrorsBetween(killedAt, long.MaxValue);
            errors += afterErrors;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| death declared (SIGKILL to Dead in the membership table) | {(declared is { } d ? $"{d.TotalSeconds:0.00} s" : $"not within {Window.TotalSeconds:0} s")} |"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| errors from the kill on (any answer but 2xx, or no answer, in requests that ended after it) | {afterErrors} of {run.CountBetween(killedAt, long.MaxValue):N0} requests |"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| rate back to 90% of the {rate:N0} req/s before the kill (and staying there {Stays.TotalSeconds:0} s) | {(back is { } b ? $"{b.TotalSeconds:0.0} s after the kill" : "not within the run")} |"));

            var md = new StringBuilder();
            md.AppendLine("### Failover: a silo killed under the mixed load");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; three silos and a gateway, PostgreSQL, Redis and the load generator on this one machine; closed loop, {settings.Connections} connections; 90% profile reads of {Readers} users, 10% post writes with an Idempotency-Key; silo 0 killed with SIGKILL {Window.TotalSeconds:0} s into the run.");
            md.AppendLine();
            md.AppendLine("| window (requests that ended in it) | requests | req/s | p50 ms | p99 ms | max ms | errors |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            md.AppendLine(run.Row("10 s before the kill", before.From, before.To));
            md.AppendLine(run.Row("10 s after the kill", after.From, after.To));
            md.AppendLine();
            md.AppendLine("| measured | result |");
            md.AppendLine("|---|---|");
            foreach (var line in lines)
            {
                md.AppendLine(line);
            }

            Directory.CreateDirectory(settings.Results);
            await File.WriteAllTextAsync(Path.Combine(settings.Results, "failover.md"), md.ToString());
            Console.WriteLine();
            Console.WriteLine(md);
            return errors > 0 ? 1 : 0;
        }
        finally
        {
            foreach (var process in Enumerable.Reverse(processes))
            {
                await process.DisposeAsync();
            }
        }
    }

    private Dictionary<string, string> Common(Dictionary<string, string> own)
    {
        own["ConnectionStrings__Postgres"] = settings.Postgres;
        own["ConnectionStrings__Redis"] = settings.Redis;
        own["Cluster__ClusterId"] = _cluster;
        own["Cluster__ServiceId"] = settings.ServiceId;
        own["Logging__LogLevel__Default"] = "Warning";
        return own;
    }

    private async Task<int> DeadSilosAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(settings.Redis);
        var entries = await redis.GetDatabase().HashGetAllAsync($"{settings.ServiceId}/members/{_cluster}");
        return entries.Where(e => e.Name != "Version")
            .Count(e => JsonDocument.Parse(e.Value.ToString()).RootElement.GetProperty("Status").GetInt32() == DeadStatus);
    }

    /// <summary>Runs the load for <paramref name="duration"/>, each request's start, end and outcome kept; <paramref name="during"/> runs alongside.</summary>
    private async Task<Recording> RecordAsync(HttpClient http, Func<long, HttpRequestMessage> request, TimeSpan duration, Func<Task>? during)
    {
        var recording = new Recording();
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long sequence = -1;
        var workers = Enumerable.Range(0, settings.Connections).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                using var message = request(Interlocked.Increment(ref sequence));
                var started = Stopwatch.GetTimestamp();
                var ok = false;
                try
                {
                    using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead);
                    ok = (int)response.StatusCode is >= 200 and < 300;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }

                recording.Add(started, Stopwatch.GetTimestamp(), ok);
            }
        })).ToList();
        if (during is not null)
        {
            workers.Add(during());
        }

        await Task.WhenAll(workers);
        return recording;
    }

    /// <summary>Every request of a run: when it started and ended (stopwatch ticks), and whether it succeeded.</summary>
    private sealed class Recording
    {
        private readonly ConcurrentBag<(long Start, long End, bool Ok)> _requests = [];
        private long[]? _ends;

        // Completion times in order, for counting by binary search once the run is over.
        private long[] Ends => _ends ??= [.. _requests.Select(r => r.End).Order()];

        public long Count => _requests.Count;

        public long Errors => _requests.Count(r => !r.Ok);

        public void Add(long start, long end, bool ok) => _requests.Add((start, end, ok));

        // A request belongs to the window it ended in: one in flight at the kill counts after it.
        public long CountBetween(long from, long to) => _requests.Count(r => r.End >= from && r.End < to);

        public long ErrorsBetween(long from, long to) => _requests.Count(r => !r.Ok && r.End >= from && r.End < to);

        /// <summary>Requests completed per second between the two times.</summary>
        public double Rate(long from, long to) => (Index(to) - Index(from)) / ((to - from) / (double)Stopwatch.Frequency);

        private int Index(long time)
        {
            var i = Array.BinarySearch(Ends, time);
            if (i < 0)
            {
                return ~i;
            }

            while (i > 0 && Ends[i - 1] == time)
            {
                i--;
            }

            return i;
        }

        /// <summary>The latency percentile (ms) of the requests that ended between the two times.</summary>
        public double Percentile(long from, long to, double p)
        {
            var latencies = _requests.Where(r => r.End >= from && r.End < to)
                .Select(r => (r.End - r.Start) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
            return latencies.Length == 0 ? double.NaN : latencies[(int)Math.Min(latencies.Length - 1, Math.Ceiling(p / 100 * latencies.Length) - 1)];
        }

        public string Row(string name, long from, long to) => string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {CountBetween(from, to):N0} | {Rate(from, to):N0} | {Percentile(from, to, 50):0.0} | {Percentile(from, to, 99):0.0} | {Percentile(from, to, 100):0} | {ErrorsBetween(from, to)} |");

        /// <summary>
        /// How long after <paramref name="since"/> the one-second rate (sliding by <paramref name="step"/>) reached
        /// <paramref name="rate"/> and stayed at or above it for <paramref name="stays"/>; null if it never did.
        /// </summary>
        public TimeSpan? BackTo(double rate, long since, TimeSpan step, TimeSpan stays)
        {
            var second = Stopwatch.Frequency;
            var last = Ends[^1];
            var stepTicks = (long)(step.TotalSeconds * Stopwatch.Frequency);
            var staysTicks = (long)(stays.TotalSeconds * Stopwatch.Frequency);
            for (var t = since; t + staysTicks + second <= last; t += stepTicks)
            {
                var holds = true;
                for (var u = t; u <= t + staysTicks && holds; u += stepTicks)
                {
                    holds = Rate(u, u + second) >= rate;
                }

                if (holds)
                {
                    return TimeSpan.FromSeconds((t - since) / (double)Stopwatch.Frequency);
                }
            }

            return null;
        }
    }
}
