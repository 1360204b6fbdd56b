using System.Diagnostics;
using System.Globalization;
using System.Text;
using Actors.Testing;
using Npgsql;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Actors.Benchmarks;

/// <summary>
/// Background work, on stacks of their own (two silos and a gateway each, on other ports, with their own
/// cluster ids and databases): sign-up throughput with confirmation mails going to an SMTP server that takes
/// 200 ms per message, against a stack with the outbox relay off (no email at all); how fast the relay
/// and consumers drain a backlog; and whether silo memory stays flat over a sustained run.
/// </summary>
/// <remarks>
/// This machine's speed drifts by a quarter and more from one minute to the next, more than the 10% being
/// asked about. So both stacks run at once and take turns in short slices, the order alternating, and
/// each round's ratio compares two slices measured seconds apart; an email slice ends only when its mail
/// is sent, so no slice carries another's leftovers. The machine's busy CPU time per sign-up (mail
/// included) is reported beside throughput: sign-up is CPU-bound, and CPU per request drifts less with
/// the machine's speed than requests per second do.
/// </remarks>
internal sealed class BackgroundBenchmark(BenchSettings settings, string noEmailPostgres, TimeSpan soak, string siloDll, string gatewayDll, string signingKey)
{
    private const int Rounds = 10;
    private const int SilosPerStack = 2;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SmtpDelay = TimeSpan.FromMilliseconds(200);
    private const double SoakPostsPerSecond = 100;
    private const int BacklogAuthors = 100;
    private const int BacklogFollowers = 10;
    private const int BacklogPosts = 40_000;

    // --Seconds: one slice of sign-ups on one stack.
    private TimeSpan Slice => settings.Duration;

    public async Task<int> RunAsync()
    {
        await using var db = NpgsqlDataSource.Create(settings.Postgres);
        using var http = Load.Client(64);
        var results = new List<LoadResult>();
        var lines = new List<string>();
        var delivered = 0;
        var errors = 0L;
        using var smtp = new CancellationTokenSource();
        var smtpPort = FreePorts.Next();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new SlowStore(() => Interlocked.Increment(ref delivered)));
        _ = new SmtpServer.SmtpServer(new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e => e.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, smtpPort))).Build(), services).StartAsync(smtp.Token);

        var email = new Dictionary<string, string> { ["Email__SmtpHost"] = "127.0.0.1", ["Email__SmtpPort"] = smtpPort.ToString(CultureInfo.InvariantCulture) };
        await using (var withEmail = await StartAsync(0, settings.Postgres, email))
        await using (var noEmail = await StartAsync(1, noEmailPostgres, new() { ["Outbox__RelayEnabled"] = "false" }))
        {
            // 1. Sign-up with and without confirmation mails, in alternating slices on both stacks at once.
            Console.WriteLine($"sign-up: {Rounds} rounds of {Slice.TotalSeconds:0} s with confirmation mails to a 200 ms SMTP server and {Slice.TotalSeconds:0} s with no email at all ...");
            var signUps = await SignUpRounds(http, db, withEmail, noEmail);
            results.Add(signUps.With);
            results.Add(signUps.Without);
            var ratios = signUps.Ratios.Order().ToList();
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| sign-up throughput, with email against without, per round (order alternating) | {string.Join(", ", ratios.Select(Percent))}; median {Percent(Median(ratios))} |"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| machine CPU per sign-up, mail included (each slice's window: {Slice.TotalSeconds:0} s of sign-ups, then until its mail is sent, at least {Settle.TotalSeconds:0} s) | {CpuPerSignUp(signUps.CpuWith) * 1000:0.0} ms with email, {CpuPerSignUp(signUps.CpuWithout) * 1000:0.0} ms without: {Percent(CpuPerSignUp(signUps.CpuWith) / CpuPerSignUp(signUps.CpuWithout))} |"));
            lines.Add($"| CPU ms per sign-up by process, with email / without | {CpuBreakdown(signUps)} |");
            var queued = await Rows.ScalarAsync<long>(db, "SELECT count(*) FROM outbox WHERE event_type = 'SignUpRequested'");
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| confirmation mails | {queued:N0} queued, {Volatile.Read(ref delivered):N0} reached the server; each slice's last one sent at most {signUps.LongestDrain:0.0} s after the slice ended |"));

            // 2. The email stack alone from here on.
            Console.WriteLine($"drain: a backlog of {BacklogPosts:N0} new posts, each fanned out to {BacklogFollowers} timelines in memory ...");
            await Backlog(db, withEmail);
            var started = Stopwatch.GetTimestamp();
            await WaitDrained(db, TimeSpan.FromMinutes(10));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| backlog drain ({BacklogPosts:N0} PostCreated from {BacklogAuthors} authors, each fanned out to its author's {BacklogFollowers} followers' timelines, held in memory) | {BacklogPosts / seconds:N0} events/s, {BacklogPosts * BacklogFollowers / seconds:N0} timeline entries/s ({seconds:0.0} s) |"));

            Console.WriteLine($"memory over {soak.TotalSeconds:0} s of reads and {SoakPostsPerSecond:0} posts/s ...");
            var (line, soakErrors) = await Sustained(http, db, withEmail, soak);
            lines.Add(line);
            errors += soakErrors;
        }

        await smtp.CancelAsync();
        var md = new StringBuilder();
        md.AppendLine("### Background work");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; two stacks of two silos and a gateway, PostgreSQL, Redis, the SMTP server and the load generator on this one machine; sign-ups in {Rounds} rounds of {Slice.TotalSeconds:0} s per stack, 8 connections, the stacks taking turns.");
        md.AppendLine();
        md.AppendLine("| sign-up | req/s | p50 | p99 | errors |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Target} | {r.RequestsPerSecond:N1} | {r.Percentile(50):0.0} | {r.Percentile(99):0.0} | {r.Errors} |");
        }

        md.AppendLine(CultureInfo.InvariantCulture,
            $"| difference, with email against without (all rounds) | {Percent(results[0].RequestsPerSecond / results[1].RequestsPerSecond)} | | {Percent(results[0].Percentile(99) / results[1].Percentile(99))} | |");
        md.AppendLine();
        md.AppendLine("| measured | result |");
        md.AppendLine("|---|---|");
        foreach (var line in lines)
        {
            md.AppendLine(line);
        }

        Directory.CreateDirectory(settings.Results);
        await File.WriteAllTextAsync(Path.Combine(settings.Results, "background.md"), md.ToString());
        Console.WriteLine();
        Console.WriteLine(md);
        return results.Any(r => r.Errors > 0) || errors > 0 ? 1 : 0;
    }

    // Both stacks are warmed up first; then each round measures one slice on each, the first of the
    // pair alternating. A slice's CPU window lasts until its mail is sent (and at least Settle after the
    // load), so the machine's CPU time over it holds all the work its sign-ups caused, mail included: CPU
    // per sign-up does not drift with the machine's speed the way throughput does.
    private async Task<SignUpComparison> SignUpRounds(HttpClient http, NpgsqlDataSource db, Stack withEmail, Stack noEmail)
    {
        var run = Stopwatch.GetTimestamp() % 1_000_000_000;
        Func<long, HttpRequestMessage> SignUp(Stack stack, string prefix) => n =>
        {
            var handle = $"{prefix}{run:x}_{n}";
            return new HttpRequestMessage(HttpMethod.Post, new Uri(stack.Gateway, "/api/users"))
            {
                Content = JsonContent.Create(new { handle, email = $"{handle}@bench.test", displayName = "Background", password = "benchmark password" }),
            };
        };
        const string With = "with confirmation mail (SMTP 200 ms per message)";
        const string Without = "no email (outbox relay off)";
        // Fresh processes compile for minutes, the email path more than the other: warm both up, in
        // turns, until all of them together compiled for under 100 ms in the last round.
        IReadOnlyList<Uri> metrics = [.. withEmail.Metrics, .. noEmail.Metrics];
        var warm = Stopwatch.GetTimestamp();
        var jit = await Runner.JitSecondsAsync(http, metrics);
        for (var step = 0L; ; step += 2)
        {
            await Load.ClosedLoopAsync("warm-up", With, http, SignUp(withEmail, $"w{step}_"), 8, TimeSpan.FromSeconds(5));
            await Load.ClosedLoopAsync("warm-up", Without, http, SignUp(noEmail, $"w{step + 1}_"), 8, TimeSpan.FromSeconds(5));
            await WaitDrained(db, TimeSpan.FromMinutes(5));
            var now = await Runner.JitSecondsAsync(http, metrics);
            if (now - jit < 0.1 || Stopwatch.GetElapsedTime(warm) > TimeSpan.FromMinutes(3))
            {
                Console.WriteLine($"  warm-up: {Stopwatch.GetElapsedTime(warm).TotalSeconds:0} s; {(now - jit) * 1000:0} ms compiling in the last round");
                break;
            }

            jit = now;
        }

        var slices = new List<(bool Email, LoadResult Result, CpuWindow Cpu)>();
        var drains = new List<double>();
        var offset = 0L;
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var email in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var stack = email ? withEmail : noEmail;
                var start = offset;
                offset += 100_000;
                var cpu = Cpu(stack, email ? noEmail : withEmail);
                var result = await Load.ClosedLoopAsync("sign-up", email ? With : Without, http,
                    n => SignUp(stack, email ? "sa" : "sb")(start + n), 8, Slice);
                // A window is the slice plus at least the settling time; an email slice's lasts until its
                // last mail is sent, which may take longer (the machine's idle use then weighs a little
                // more on the email side: the breakdown's idle-stack and "other" rows show how much).
                var ended = Stopwatch.GetTimestamp();
                if (email)
                {
                    await WaitDrained(db, TimeSpan.FromMinutes(5));
                    drains.Add(Stopwatch.GetElapsedTime(ended).TotalSeconds);
                }

                var settled = Settle - Stopwatch.GetElapsedTime(ended);
                if (settled > TimeSpan.Zero)
                {
                    await Task.Delay(settled);
                }

                slices.Add((email, result, Cpu(stack, email ? noEmail : withEmail).Since(cpu)));
            }
        }

        var ratios = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var pair = slices.Skip(round * 2).Take(2).ToList();
            ratios.Add(pair.Single(p => p.Email).Result.RequestsPerSecond / pair.Single(p => !p.Email).Result.RequestsPerSecond);
        }

        (CpuWindow Cpu, long SignUps) Total(bool email) => (
            slices.Where(s => s.Email == email).Aggregate(CpuWindow.Zero, (sum, s) => sum + s.Cpu),
            slices.Where(s => s.Email == email).Sum(s => s.Result.Latency.TotalCount));
        return new SignUpComparison(
            Combine([.. slices.Where(s => s.Email).Select(s => s.Result)]), Combine([.. slices.Where(s => !s.Email).Select(s => s.Result)]),
            ratios, Total(true), Total(false), drains.Max());
    }

    private sealed record SignUpComparison(
        LoadResult With, LoadResult Without, List<double> Ratios, (CpuWindow Cpu, long SignUps) CpuWith, (CpuWindow Cpu, long SignUps) CpuWithout, double LongestDrain);

    private const string Silos = "silos";
    private const string Gateway = "gateway";
    private const string Benchmark = "benchmark (load generator, SMTP server)";
    private const string Idle = "the idle stack";

    // Where a slice's CPU goes: the measured stack's silos and gateway, PostgreSQL, Redis, this process
    // (which also runs the SMTP server) and the other stack, idle meanwhile.
    private static CpuUse Cpu(Stack measured, Stack idle) => CpuUse.Read(
        new Dictionary<string, IEnumerable<int>>
        {
            [Silos] = measured.SiloProcessIds,
            [Gateway] = measured.GatewayProcessIds,
            [Benchmark] = [Environment.ProcessId],
            [Idle] = [.. idle.SiloProcessIds, .. idle.GatewayProcessIds],
        },
        new Dictionary<string, string> { ["PostgreSQL"] = "postgres", ["Redis"] = "redis-server" });

    // CPU milliseconds per sign-up, with email against without, for the machine and each group.
    private static string CpuBreakdown(SignUpComparison s)
    {
        string Ms(Func<CpuWindow, double> seconds) => string.Create(CultureInfo.InvariantCulture,
            $"{seconds(s.CpuWith.Cpu) * 1000 / s.CpuWith.SignUps:0.0} / {seconds(s.CpuWithout.Cpu) * 1000 / s.CpuWithout.SignUps:0.0}");
        return string.Join("; ", s.CpuWith.Cpu.Groups.Keys.Order().Select(g => $"{g} {Ms(c => c.Groups[g])}").Append($"other {Ms(c => c.Unaccounted)}"));
    }

    private static double CpuPerSignUp((CpuWindow Cpu, long SignUps) total) => total.Cpu.Machine / total.SignUps;

    private LoadResult Combine(List<LoadResult> slices)
    {
        var latency = new HdrHistogram.LongHistogram(60_000_000, 3);
        foreach (var slice in slices)
        {
            latency.Add(slice.Latency);
        }

        return new LoadResult("sign-up", slices[0].Target, $"{slices.Count} slices of {Slice.TotalSeconds:0} s, 8 conn",
            slices.Average(s => s.RequestsPerSecond), latency, slices.Sum(s => s.Errors));
    }

    // A ratio as a signed change: 0.893 is "-10.7%".
    private static string Percent(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{(ratio - 1) * 100:+0.0;-0.0;0.0}%");

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    // Memory over a sustained mix: reads (views counted in the background) and posts at a fixed rate,
    // each post an outbox event relayed through the streams to its fan-out consumer. Every 30 s a full,
    // blocking collection runs on each of the stack's silos, then their heap is read: without forcing,
    // the heap as of the last collection includes gen-2 garbage that workstation GC reclaims lazily,
    // which rises for minutes whether or not anything leaks. Read beside it: the stream caches' message
    // count, the cluster's activation count and the silos' grain-location cache entries. Each new post
    // is a new grain, so two of these fill for minutes and then saw: idle activations are collected
    // after 90 s on these stacks, and a location entry is dropped once unused for 4 minutes (Orleans'
    // MaximumCacheTTL; the sweep runs every 4 minutes, so entries live 4 to 8). Hence the trend is a
    // least-squares line through every sample of the second half, not a difference of two samples,
    // and the run must cover a few sweeps to mean anything (15 minutes by default).
    private static async Task<(string Line, long Errors)> Sustained(HttpClient http, NpgsqlDataSource db, Stack stack, TimeSpan soak)
    {
        using var clusterHost = await ClusterConnection.ConnectAsync(stack.Redis, stack.ClusterId, stack.ServiceId);
        var management = clusterHost.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        var writers = await Writers.LogInAsync(http, stack.Gateway, db, 32);
        var posts = await Rows.ListAsync<Guid>(db, "SELECT id FROM posts LIMIT 1000");
        var users = await Rows.ListAsync<Guid>(db, "SELECT id FROM users LIMIT 1000");
        var started = Stopwatch.GetTimestamp();
        // Messages in the caches: added minus purged, both counted as they happen (the cache's own length
        // gauge is reported only every few minutes).
        async Task<SoakSample> Sample() => new(
            Stopwatch.GetElapsedTime(started),
            await MemoryProbe.LiveHeapAsync(management, http, stack.SiloMetrics),
            await Exposition.SumAsync(http, stack.SiloMetrics, Exposition.StreamCacheAdded) - await Exposition.SumAsync(http, stack.SiloMetrics, Exposition.StreamCachePurged),
            await management.GetTotalActivationCount(),
            await Exposition.SumAsync(http, stack.SiloMetrics, Exposition.DirectoryCacheEntries));

        var samples = new List<SoakSample> { await Sample() };
        var reads = Load.ClosedLoopAsync("sustained", "reads", http, n => (n % 3) switch
        {
            0 => new HttpRequestMessage(HttpMethod.Get, new Uri(stack.Gateway, $"/api/posts/{posts[(int)(n % posts.Count)]}")),
            _ => new HttpRequestMessage(HttpMethod.Get, new Uri(stack.Gateway, $"/api/users/{users[(int)(n % users.Count)]}")),
        }, 16, soak);
        var writes = Load.OpenLoopAsync("sustained", "posts", http, writers.NewPost, SoakPostsPerSecond, soak);
        var load = Task.WhenAll(reads, writes);
        while (await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(30))) != load)
        {
            samples.Add(await Sample());
        }

        var (readResult, writeResult) = (await reads, await writes);
        samples.Add(await Sample());
        await clusterHost.StopAsync();

        static string Mb(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576:0.0}");
        static string Count(double n) => n.ToString("N0", CultureInfo.InvariantCulture);
        var secondHalf = samples.Where(s => s.At >= soak / 2).ToList();
        var trend = secondHalf.Count >= 4
            ? string.Create(CultureInfo.InvariantCulture,
                $"over the second half ({secondHalf.Count} samples from {secondHalf[0].At.TotalSeconds:0} s) between {Mb(secondHalf.Min(s => s.Heap))} and {Mb(secondHalf.Max(s => s.Heap))} MB, a least-squares trend of {Slope(secondHalf) / 1048576:+0.00;-0.00} MB per minute")
            : "too short a run for a trend";
        var errors = readResult.Errors + writeResult.Errors;
        return (string.Create(CultureInfo.InvariantCulture,
            $"| silos' live heap (after a forced full collection every 30 s) over {soak.TotalSeconds:0} s of reads ({readResult.RequestsPerSecond:N0} req/s, views counted in the background) and posts ({writeResult.RequestsPerSecond:N0}/s, each relayed to fan-out; {errors} errors) | {string.Join(", ", samples.Select(s => Mb(s.Heap)))} MB; {trend}. Messages in the silos' stream caches at the same moments: {string.Join(", ", samples.Select(s => Count(s.Cached)))}; grain activations: {string.Join(", ", samples.Select(s => Count(s.Activations)))}; grain-location cache entries: {string.Join(", ", samples.Select(s => Count(s.Locations)))} |"), errors);
    }

    // Bytes per minute: the slope of the least-squares line through the samples' heap.
    private static double Slope(IReadOnlyList<SoakSample> samples)
    {
        var meanAt = samples.Average(s => s.At.TotalMinutes);
        var meanHeap = samples.Average(s => s.Heap);
        return samples.Sum(s => (s.At.TotalMinutes - meanAt) * (s.Heap - meanHeap)) / samples.Sum(s => Math.Pow(s.At.TotalMinutes - meanAt, 2));
    }

    private sealed record SoakSample(TimeSpan At, double Heap, double Cached, int Activations, double Locations);

    // Authors with followers whose timelines are in memory (read once through the benchmark's own
    // cluster client), then every author's posts with their PostCreated events in one statement: the
    // drain is the relay's claims, the consumers' checks and completions, and real fan-out work (the
    // author's profile, one follower query, an entry offered to each follower's timeline).
    private static async Task Backlog(NpgsqlDataSource db, Stack stack)
    {
        var followers = await Rows.ListAsync<Guid>(db, """
            WITH author AS (
                INSERT INTO users (id, handle, email, display_name, password_hash, follower_count, created_at, updated_at)
                SELECT gen_random_uuid(), 'bg_' || n, 'bg_' || n || '@bench.test', 'Backlog', 'x', $2, now(), now()
                FROM generate_series(1, $1) n
                RETURNING id
            ), numbered AS (
                SELECT id, row_number() OVER () AS n FROM author
            ), follower AS (
                INSERT INTO users (id, handle, email, display_name, password_hash, following_count, created_at, updated_at)
                SELECT gen_random_uuid(), 'bgf_' || a.n || '_' || f, 'bgf_' || a.n || '_' || f || '@bench.test', 'Follower', 'x', 1, now(), now()
                FROM numbered a, generate_series(1, $2) f
                RETURNING id, split_part(handle, '_', 2)::bigint AS author_n
            ), follows AS (
                INSERT INTO follows (follower_id, followee_id, created_at)
                SELECT f.id, a.id, now() FROM follower f JOIN numbered a ON a.n = f.author_n
            )
            SELECT id FROM follower
            """, BacklogAuthors, BacklogFollowers);
        using (var clusterHost = await ClusterConnection.ConnectAsync(stack.Redis, stack.ClusterId, stack.ServiceId))
        {
            var grains = clusterHost.Services.GetRequiredService<IClusterClient>();
            foreach (var chunk in followers.Chunk(50))
            {
                await Task.WhenAll(chunk.Select(f => grains.GetGrain<Actors.Grains.Abstractions.Feeds.ITimelineGrain>(f).GetFeed(null, 20).AsTask()));
            }

            await clusterHost.StopAsync();
        }

        await using var command = db.CreateCommand("""
            WITH post AS (
                INSERT INTO posts (id, author_id, body, created_at)
                SELECT gen_random_uuid(), u.id, 'backlog', now() FROM users u, generate_series(1, $1)
                WHERE u.handle LIKE 'bg\_%'
                RETURNING id, author_id
            )
            INSERT INTO outbox (event_id, event_type, aggregate_id, payload, occurred_at)
            SELECT e, 'PostCreated', id, jsonb_build_object('eventId', e, 'postId', id, 'authorId', author_id, 'occurredAt', now()), now()
            FROM (SELECT gen_random_uuid() AS e, id, author_id FROM post) p
            """);
        command.Parameters.AddWithValue(BacklogPosts / BacklogAuthors);
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitDrained(NpgsqlDataSource db, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await Rows.ScalarAsync<long>(db, "SELECT count(*) FROM outbox WHERE processed_at IS NULL AND dead_lettered_at IS NULL") > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the outbox did not drain");
            }

            await Task.Delay(100);
        }
    }

    // Slot 0 answers on 8094 (silos 8181 and 8182), slot 1 on 8097 (silos 8183 and 8184).
    private async Task<Stack> StartAsync(int slot, string postgres, Dictionary<string, string> siloSettings)
    {
        var gateway = new Uri($"http://127.0.0.1:{(slot == 0 ? 8094 : 8097)}");
        var cluster = $"actors-background-{Guid.NewGuid():N}"[..30];
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = postgres,
            ["ConnectionStrings__Redis"] = settings.Redis,
            ["Cluster__ClusterId"] = cluster,
            ["Cluster__ServiceId"] = settings.ServiceId,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var stack = new Stack(gateway, settings.Redis, cluster, settings.ServiceId);
        for (var i = 0; i < SilosPerStack; i++)
        {
            var silo = new Dictionary<string, string>(common)
            {
                ["Silo__Name"] = $"bg{slot}{i}",
                // The sustained run's new posts activate grains: collected after 90 s, their number levels off within the run.
                ["Silo__CollectionAge"] = "00:01:30",
                ["Silo__SiloPort"] = (11211 + (2 * slot) + i).ToString(CultureInfo.InvariantCulture),
                ["Silo__GatewayPort"] = (30100 + (2 * slot) + i).ToString(CultureInfo.InvariantCulture),
                ["Urls"] = $"http://127.0.0.1:{8181 + (2 * slot) + i}",
            };
            foreach (var (key, value) in siloSettings)
            {
                silo[key] = value;
            }

            stack.Start(siloDll, silo, new Uri($"http://127.0.0.1:{8181 + (2 * slot) + i}"));
        }

        await stack.WaitReadyAsync();
        stack.Start(gatewayDll, new Dictionary<string, string>(common)
        {
            ["Urls"] = gateway.ToString(),
            ["Auth__SigningKey"] = signingKey,
            ["RateLimit__Enabled"] = "false",
        }, gateway);
        await stack.WaitReadyAsync();
        return stack;
    }

    /// <summary>The processes of one stack; disposing stops them with SIGTERM, silos last.</summary>
    private sealed class Stack(Uri gateway, string redis, string clusterId, string serviceId) : IAsyncDisposable
    {
        public Uri Gateway { get; } = gateway;

        public string Redis { get; } = redis;

        public string ClusterId { get; } = clusterId;

        public string ServiceId { get; } = serviceId;

        public IEnumerable<Uri> Metrics => _processes.Select(p => new Uri(p.Root, "/metrics"));

        // Silos start first, then the gateway.
        public IEnumerable<int> SiloProcessIds => _processes.Take(SilosPerStack).Select(p => p.Process.Id);

        public IEnumerable<int> GatewayProcessIds => _processes.Skip(SilosPerStack).Select(p => p.Process.Id);

        public IEnumerable<Uri> SiloMetrics => Metrics.Take(SilosPerStack);

        private readonly List<(ServiceProcess Process, Uri Root)> _processes = [];

        public void Start(string dll, Dictionary<string, string> environment, Uri root) =>
            _processes.Add((ServiceProcess.Start($"{ClusterId}/{_processes.Count}", dll, environment), root));

        public async Task WaitReadyAsync()
        {
            using var http = new HttpClient();
            foreach (var (process, root) in _processes)
            {
                await process.WaitUntilHealthyAsync(http, new Uri(root, "/health/ready"), TimeSpan.FromMinutes(2));
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var (process, _) in Enumerable.Reverse(_processes))
            {
                await process.StopAsync(TimeSpan.FromSeconds(60));
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>Accepts every message after <see cref="SmtpDelay"/>, like a slow mail relay.</summary>
    private sealed class SlowStore(Action accepted) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            System.Buffers.ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await Task.Delay(SmtpDelay, cancellationToken);
            accepted();
            return SmtpResponse.Ok;
        }
    }
}
