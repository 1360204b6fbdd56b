using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Actors.Testing;
using Npgsql;

namespace Actors.Benchmarks;

/// <summary>Seeds, warms up, runs every scenario against the gateway and the baselines, and reports.</summary>
internal sealed class Runner(BenchSettings settings, string signingKey)
{
    private const int HotUsers = 1_000;
    private const int HotFeedReaders = 500;
    private const int HotSet = 100_000;

    /// <summary>The stateless service's target name (<see cref="StatelessPosts"/>; its reads: Redis cache-aside).</summary>
    public const string Stateless = "stateless service (JWT, one statement)";

    private static readonly TimeSpan WarmUpStep = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromMinutes(2);

    private readonly Findings findings = new();

    public async Task<int> RunAsync()
    {
        await using var db = NpgsqlDataSource.Create(settings.Postgres);
        await Seeder.SeedAsync(db);
        await Seeder.SeedFeedReadersAsync(db);
        var users = await Seeder.UserIdsAsync(db);
        var hot = users.Take(HotUsers).ToList();
        var cold = users.Skip(HotUsers).ToList();

        var hotIdsFile = Path.Combine(Path.GetTempPath(), $"actors-bench-hot-{Environment.ProcessId}.txt");
        await File.WriteAllLinesAsync(hotIdsFile, hot.Select(id => id.ToString()));
        var baseline = StartBaseline(hotIdsFile);
        try
        {
            return await RunScenariosAsync(db, users, hot, cold, baseline);
        }
        finally
        {
            await baseline.DisposeAsync();
            File.Delete(hotIdsFile);
        }
    }

    private async Task<int> RunScenariosAsync(NpgsqlDataSource db, List<Guid> users, List<Guid> hot, List<Guid> cold, ServiceProcess baseline)
    {
        using var http = Load.Client(256);
        await baseline.WaitUntilHealthyAsync(http, new Uri(settings.Baseline, $"/kestrel/users/{hot[0]}"), TimeSpan.FromMinutes(1));

        var results = new List<LoadResult>();
        var duration = settings.Duration;
        Func<long, HttpRequestMessage> HotRead(Uri root, string path) => n => Get(new Uri(root, $"{path}{hot[(int)(n % hot.Count)]}"));
        var posts = await Seeder.PostIdsAsync(db, HotSet);

        if (settings.Runs("profile"))
        {
            Console.WriteLine("warming up: loading the hot users into grain memory and the gateway's near cache ...");
            await WarmUpAsync("gateway", http, HotRead(settings.Gateway, "/api/users/"), Services);
            await WarmUpAsync("kestrel", http, HotRead(settings.Baseline, "/kestrel/users/"), Baseline);
            await WarmUpAsync("redis", http, HotRead(settings.Baseline, "/redis/users/"), Baseline);
            await WarmUpAsync("postgres", http, HotRead(settings.Baseline, "/postgres/users/"), Baseline);

            Console.WriteLine("hot profile read, closed loop ...");
            var lookups = await NearCacheLookupsAsync(http);
            var hotGateway = await Measure(results, Load.ClosedLoopAsync("hot profile read", "gateway (near cache)", http, HotRead(settings.Gateway, "/api/users/"), settings.Connections, duration));
            findings.HitRatio = (await NearCacheLookupsAsync(http)).HitRatioSince(lookups);
            Console.WriteLine($"  near cache hit ratio {findings.HitRatio:P2}");
            await Measure(results, Load.ClosedLoopAsync("hot profile read", "bare Kestrel (ceiling)", http, HotRead(settings.Baseline, "/kestrel/users/"), settings.Connections, duration));
            await Measure(results, Load.ClosedLoopAsync("hot profile read", "Redis cache-aside", http, HotRead(settings.Baseline, "/redis/users/"), settings.Connections, duration));
            await Measure(results, Load.ClosedLoopAsync("hot profile read", "PostgreSQL per request", http, HotRead(settings.Baseline, "/postgres/users/"), settings.Connections, duration));

            var half = Math.Max(100, Math.Round(hotGateway.RequestsPerSecond / 2 / 100) * 100);
            Console.WriteLine($"hot profile read, open loop at {half}/s ...");
            await Measure(results, Load.OpenLoopAsync("hot profile read", "gateway (near cache)", http, HotRead(settings.Gateway, "/api/users/"), half, duration));
            await Measure(results, Load.OpenLoopAsync("hot profile read", "bare Kestrel (ceiling)", http, HotRead(settings.Baseline, "/kestrel/users/"), half, duration));
            await Measure(results, Load.OpenLoopAsync("hot profile read", "Redis cache-aside", http, HotRead(settings.Baseline, "/redis/users/"), half, duration));
            await Measure(results, Load.OpenLoopAsync("hot profile read", "PostgreSQL per request", http, HotRead(settings.Baseline, "/postgres/users/"), half, duration));

            Console.WriteLine($"post read, PostgreSQL per request over {HotSet:N0} posts ...");
            await WarmUpAsync("postgres", http, PostRead(settings.Baseline, "/postgres/posts/", posts), Baseline);
            await Measure(results, Load.ClosedLoopAsync("post read", "PostgreSQL per request", http, PostRead(settings.Baseline, "/postgres/posts/", posts), settings.Connections, duration));
        }

        Console.WriteLine("feed readers log in ...");
        var readers = await LogInReadersAsync(http, await Seeder.FeedReadersAsync(db));
        var hotReaders = readers.Take(HotFeedReaders).ToList();
        var coldReaders = readers.Skip(HotFeedReaders).ToList();
        if (settings.Runs("feed"))
        {
            Func<long, HttpRequestMessage> HotFeed = n => Feed(hotReaders[(int)(n % hotReaders.Count)]);
            Func<long, HttpRequestMessage> SqlFeed(List<(Guid Id, string Token)> who) =>
                n => Get(new Uri(settings.Baseline, $"/postgres/feed/{who[(int)(n % who.Count)].Id}"));
            Console.WriteLine("feed page (20 posts of 100 followed authors), hot: warming up the readers' timelines ...");
            await WarmUpAsync("gateway", http, HotFeed, Services);
            await WarmUpAsync("postgres", http, SqlFeed(hotReaders), Baseline);
            var hotFeed = await Measure(results, Load.ClosedLoopAsync("feed page", "gateway → timeline grain", http, HotFeed, settings.Connections, duration));
            await Measure(results, Load.ClosedLoopAsync("feed page", "PostgreSQL per request (one query)", http, SqlFeed(hotReaders), settings.Connections, duration));
            var halfFeed = Math.Max(100, Math.Round(hotFeed.RequestsPerSecond / 2 / 100) * 100);
            Console.WriteLine($"feed page, open loop at {halfFeed}/s ...");
            await Measure(results, Load.OpenLoopAsync("feed page", "gateway → timeline grain", http, HotFeed, halfFeed, duration));
            await Measure(results, Load.OpenLoopAsync("feed page", "PostgreSQL per request (one query)", http, SqlFeed(hotReaders), halfFeed, duration));
            await Measure(results, Load.ClosedLoopAsync("cold feed page", "PostgreSQL per request (one query)", http, SqlFeed(coldReaders), 8, duration,
                maxRequests: coldReaders.Count));
        }

        using var clusterHost = await ClusterConnection.ConnectAsync(settings.Redis, settings.ClusterId, settings.ServiceId);
        var cluster = clusterHost.Services.GetRequiredService<IClusterClient>();
        if (settings.Runs("profile"))
        {
            Console.WriteLine("cold profile read: every idle activation collected first ...");
            await cluster.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            await Measure(results, Load.ClosedLoopAsync("cold profile read", "gateway, each read once", http,
                n => Get(new Uri(settings.Gateway, $"/api/users/{cold[(int)(n % cold.Count)]}")), 8, duration, maxRequests: cold.Count));

            // The long tail: every post read once, idle activations collected before each pass. Through a
            // gateway with admission off each read activates a grain and loads its row; through the bench
            // gateway it is the committed row, batched, with nothing activated. Then every post is read
            // once more (admitted: activated and leased), and the hot runs follow.
            var probe = new MemoryProbe(cluster, http, settings.SiloMetrics);
            Console.WriteLine($"cold post read: {HotSet:N0} posts, each read once, admission off, then on ...");
            findings.OneTimeReadsWithoutAdmission = await probe.KeptByAsync(() => Measure(results, Load.ClosedLoopAsync("post read",
                $"gateway, cold pass over {HotSet:N0}, admission off", http, PostRead(settings.GatewayWithoutAdmission, "/api/posts/", posts),
                settings.Connections, TimeSpan.FromMinutes(3), maxRequests: posts.Count)));
            findings.OneTimeReads = await probe.KeptByAsync(() => Measure(results, Load.ClosedLoopAsync("post read",
                $"gateway, cold pass over {HotSet:N0}", http, PostRead(settings.Gateway, "/api/posts/", posts),
                settings.Connections, TimeSpan.FromMinutes(3), maxRequests: posts.Count)));
            foreach (var (label, kept) in new[] { ("admission off", findings.OneTimeReadsWithoutAdmission), ("admission on", findings.OneTimeReads) })
            {
                Console.WriteLine($"  {label}: {kept.Activations:N0} activations and {kept.HeapBytes / 1e6:N0} MB of silo heap kept");
            }

            await Load.ClosedLoopAsync("second read", "gateway", http, PostRead(settings.Gateway, "/api/posts/", posts),
                settings.Connections, TimeSpan.FromMinutes(3), maxRequests: posts.Count);
            await Measure(results, Load.ClosedLoopAsync("post read", $"gateway, hot over {HotSet:N0}", http, PostRead(settings.Gateway, "/api/posts/", posts),
                settings.Connections, duration));
            var few = posts.Take(HotUsers).ToList();
            await Measure(results, Load.ClosedLoopAsync("post read", $"gateway, hot over {few.Count:N0}", http, PostRead(settings.Gateway, "/api/posts/", few),
                settings.Connections, duration));
        }

        if (settings.Runs("feed"))
        {
            Console.WriteLine("cold feed page: each reader's first read, timelines, posts and authors collected first ...");
            await cluster.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            await Measure(results, Load.ClosedLoopAsync("cold feed page", "gateway → timeline grain (rebuild)", http,
                n => Feed(coldReaders[(int)(n % coldReaders.Count)]), 8, duration, maxRequests: coldReaders.Count));
        }

        if (!settings.Runs("writes"))
        {
            await clusterHost.StopAsync();
            Report.Write(settings.Results, results, [], findings, settings);
            return ExitCode(results);
        }

        var writers = await Writers.LogInAsync(http, settings.Gateway, db, 32);
        Console.WriteLine("post write ...");
        var before = await Transactions.ReadAsync(db);
        var written = await Measure(results, Load.ClosedLoopAsync("post write", "gateway → grain → PostgreSQL", http, n => writers.NewPost(n), 32, duration));
        var after = await Transactions.ReadAsync(db);
        findings.TransactionsPerPost = after.PerPostSince(before);
        Console.WriteLine($"  {findings.TransactionsPerPost:0.00} PostgreSQL transactions per post, relay and fan-out included");
        var statelessPosts = new Uri(settings.Baseline, "/stateless/posts");
        await WarmUpAsync("stateless", http, n => writers.NewPost(statelessPosts, n), Baseline);
        await Measure(results, Load.ClosedLoopAsync("post write", Stateless, http, n => writers.NewPost(statelessPosts, n), 32, duration));
        var halfWrites = Math.Max(50, Math.Round(written.RequestsPerSecond / 2 / 50) * 50);
        Console.WriteLine($"post write, open loop at {halfWrites}/s ...");
        await Measure(results, Load.OpenLoopAsync("post write", "gateway → grain → PostgreSQL", http, n => writers.NewPost(n), halfWrites, duration));
        await Measure(results, Load.OpenLoopAsync("post write", Stateless, http, n => writers.NewPost(statelessPosts, n), halfWrites, duration));
        if (settings.RawPostgres is { } raw)
        {
            Console.WriteLine("post write, raw Npgsql loop running the post statement (a database of its own) ...");
            await Measure(results, RawWrites.RunAsync(raw, 32, duration));
        }

        Console.WriteLine("sign-up request (PBKDF2, 600,000 iterations; the confirmation mail goes out in the background) ...");
        var run = Stopwatch.GetTimestamp();
        await Measure(results, Load.ClosedLoopAsync("sign-up", "gateway → grain → PostgreSQL", http, n => SignUp(run, n), 8, duration));

        // The stateless service's mix: its writes, and profile reads through its Redis cache-aside, which
        // its writes keep coherent.
        Console.WriteLine("mixed, 90% reads / 10% writes ...");
        Func<long, HttpRequestMessage> mix = n => n % 10 == 0 ? writers.NewPost(n) : Get(new Uri(settings.Gateway, $"/api/users/{hot[(int)(n % hot.Count)]}"));
        Func<long, HttpRequestMessage> statelessMix = n =>
            n % 10 == 0 ? writers.NewPost(statelessPosts, n) : Get(new Uri(settings.Baseline, $"/redis/users/{hot[(int)(n % hot.Count)]}"));
        var mixed = await Measure(results, Load.ClosedLoopAsync("mixed 90/10", "gateway", http, mix, settings.Connections, duration));
        await Measure(results, Load.ClosedLoopAsync("mixed 90/10", Stateless, http, statelessMix, settings.Connections, duration));
        var halfMix = Math.Max(100, Math.Round(mixed.RequestsPerSecond / 2 / 100) * 100);
        Console.WriteLine($"mixed 90/10, open loop at {halfMix}/s ...");
        await Measure(results, Load.OpenLoopAsync("mixed 90/10", "gateway", http, mix, halfMix, duration));
        await Measure(results, Load.OpenLoopAsync("mixed 90/10", Stateless, http, statelessMix, halfMix, duration));

        Console.WriteLine("memory: bytes per activation over 100,000 posts and 10,000 users ...");
        var memoryProbe = new MemoryProbe(cluster, http, settings.SiloMetrics);
        var postIds = await Seeder.PostIdsAsync(db, 100_000);
        var memory = new List<MemoryResult>
        {
            await memoryProbe.MeasureAsync("PostGrain", postIds, id => cluster.GetGrain<Actors.Grains.Abstractions.Posts.IPostGrain>(id).GetPost().AsTask()),
            await memoryProbe.MeasureAsync("UserGrain", users, id => cluster.GetGrain<Actors.Grains.Abstractions.Users.IUserGrain>(id).GetProfile().AsTask()),
        };
        foreach (var m in memory)
        {
            Console.WriteLine($"  {m.Grain}: {m.Activations:N0} activations, {m.BytesPerActivation:N0} bytes each");
        }

        findings.BytesPerNearCacheEntry = await NearCacheEntryProbe.BytesPerPostAsync(cluster, postIds);
        Console.WriteLine($"  gateway near cache: {findings.BytesPerNearCacheEntry:N0} bytes per post entry");

        await clusterHost.StopAsync();
        Report.Write(settings.Results, results, memory, findings, settings);
        return ExitCode(results);
    }

    // Errors of the system under test fail the run; a baseline that cannot keep up is a result.
    private static int ExitCode(List<LoadResult> results) =>
        results.Any(r => r.Errors > 0 && (r.Target.StartsWith("gateway", StringComparison.Ordinal) || r.Target.Contains("grain", StringComparison.Ordinal))) ? 1 : 0;

    private static HttpRequestMessage Get(Uri root, string path, IReadOnlyList<Guid> ids, long n) => Get(new Uri(root, $"{path}{ids[(int)(n % ids.Count)]}"));

    private static Func<long, HttpRequestMessage> PostRead(Uri root, string path, IReadOnlyList<Guid> ids) => n => Get(root, path, ids, n);

    private async Task<NearCacheLookups> NearCacheLookupsAsync(HttpClient http)
    {
        var metrics = new Uri(settings.Gateway, "/metrics");
        return new NearCacheLookups(
            await Exposition.SumAsync(http, [metrics], NearCacheLookups.Metric, "result=\"hit\""),
            await Exposition.SumAsync(http, [metrics], NearCacheLookups.Metric, "result=\"miss\""),
            await Exposition.SumAsync(http, [metrics], NearCacheLookups.Metric, "result=\"renewal\""),
            await Exposition.SumAsync(http, [metrics], NearCacheLookups.Metric, "result=\"cold\""));
    }

    private static async Task<LoadResult> Measure(List<LoadResult> results, Task<LoadResult> run)
    {
        var result = await run;
        results.Add(result);
        Console.WriteLine($"  {result.Target,-30} {result.Mode,-18} {result.RequestsPerSecond,10:N0} req/s  p50 {result.Percentile(50):0.00} ms  p99 {result.Percentile(99):0.00} ms  errors {result.Errors}");
        return result;
    }

    private IReadOnlyList<Uri> Services => [new Uri(settings.Gateway, "/metrics"), .. settings.SiloMetrics];

    private IReadOnlyList<Uri> Baseline => [new Uri(settings.Baseline, "/metrics")];

    // A fresh process compiles for a minute and more under load (tiered compilation recompiles what is
    // hot), and a run measured meanwhile measures the compiler. Warm-up lasts at least --WarmUpSeconds
    // and until the processes on the path, this one included, compiled for under 50 ms in the last 5 s.
    private async Task WarmUpAsync(string target, HttpClient http, Func<long, HttpRequestMessage> request, IReadOnlyList<Uri> processes)
    {
        var started = Stopwatch.GetTimestamp();
        var before = await JitSecondsAsync(http, processes);
        while (true)
        {
            await Load.ClosedLoopAsync("warm-up", target, http, request, 32, WarmUpStep);
            var now = await JitSecondsAsync(http, processes);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if ((now - before < 0.05 && elapsed >= settings.WarmUp) || elapsed >= MaxWarmUp)
            {
                Console.WriteLine($"  warm-up {target}: {elapsed.TotalSeconds:0} s; {(now - before) * 1000:0} ms compiling in the last {WarmUpStep.TotalSeconds:0} s");
                return;
            }

            before = now;
        }
    }

    /// <summary>Seconds spent compiling by this process and the processes whose metrics are given.</summary>
    public static async Task<double> JitSecondsAsync(HttpClient http, IReadOnlyList<Uri> processes) =>
        System.Runtime.JitInfo.GetCompilationTime().TotalSeconds + await Exposition.SumAsync(http, processes, Exposition.JitSeconds);

    private static HttpRequestMessage Get(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.AcceptEncoding.ParseAdd("br, gzip");
        return request;
    }

    private HttpRequestMessage Feed((Guid Id, string Token) reader)
    {
        var request = Get(new Uri(settings.Gateway, "/api/feed?limit=20"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reader.Token);
        return request;
    }

    private async Task<List<(Guid Id, string Token)>> LogInReadersAsync(HttpClient http, List<(Guid Id, string Email)> readers)
    {
        var tokens = new (Guid, string)[readers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, readers.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var login = await http.PostAsJsonAsync(new Uri(settings.Gateway, "/api/sessions"),
                new { email = readers[i].Email, password = Seeder.SeedPassword }, ct);
            login.EnsureSuccessStatusCode();
            tokens[i] = (readers[i].Id, (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("token").GetString()!);
        });
        return [.. tokens];
    }

    private HttpRequestMessage SignUp(long run, long n)
    {
        var handle = $"b{run % 1_000_000_000:x}_{n}";
        return new HttpRequestMessage(HttpMethod.Post, new Uri(settings.Gateway, "/api/users"))
        {
            Content = JsonContent.Create(new { handle, email = $"{handle}@bench.test", displayName = "Benchmark", password = "benchmark password" }),
        };
    }

    private ServiceProcess StartBaseline(string hotIdsFile) =>
        ServiceProcess.Start("baseline", typeof(Runner).Assembly.Location, new Dictionary<string, string>
        {
            // Its own pool, sized like the two silos' together.
            ["ConnectionStrings__Postgres"] = new NpgsqlConnectionStringBuilder(settings.Postgres) { MaxPoolSize = 16 }.ConnectionString,
            ["ConnectionStrings__Redis"] = settings.Redis,
            ["Auth__SigningKey"] = signingKey,
        }, ["baseline", "--urls", settings.Baseline.ToString(), "--HotIds", hotIdsFile]);
}
