using System.Globalization;
using System.Text;
using ScottPlot;

namespace Actors.Benchmarks;

/// <summary>Writes results/benchmark.md (table, targets, machine, date) and two PNG charts.</summary>
internal static class Report
{
    public static void Write(string folder, IReadOnlyList<LoadResult> results, IReadOnlyList<MemoryResult> memory, Findings findings, BenchSettings settings)
    {
        Directory.CreateDirectory(folder);
        var markdown = Markdown(results, findings, settings) + MemoryTable(memory);
        File.WriteAllText(Path.Combine(folder, "benchmark.md"), markdown);
        Chart(results, Path.Combine(folder, "benchmark-throughput.png"), Path.Combine(folder, "benchmark-latency.png"));
        Console.WriteLine();
        Console.WriteLine(markdown);
    }

    private static string Markdown(IReadOnlyList<LoadResult> results, Findings findings, BenchSettings settings)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Benchmark: scenarios and baselines");
        md.AppendLine();
        md.AppendLine(c, $"Latest run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores ({Cpu()}), {Memory()}; gateway, two silos, PostgreSQL, Redis, the baseline server and the load generator all on this one machine; {settings.Duration.TotalSeconds:0} s per run.");
        md.AppendLine("Data set: 10,000 users, 100,000 posts, a long-tail follower graph, and 2,000 feed readers following 100 authors each (500 of them hot). Latency in ms, HdrHistogram; open-loop latencies are measured from when each request was due (coordinated omission corrected).");
        md.AppendLine();
        md.AppendLine("## Method");
        md.AppendLine();
        md.AppendLine(Method);
        md.AppendLine("## Results");
        md.AppendLine();
        md.AppendLine("| scenario | target | load | req/s | p50 | p95 | p99 | p99.9 | errors |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(c, $"| {r.Scenario} | {r.Target} | {r.Mode} | {r.RequestsPerSecond:N0} | {r.Percentile(50):0.00} | {r.Percentile(95):0.00} | {r.Percentile(99):0.00} | {r.Percentile(99.9):0.00} | {r.Errors} |");
        }

        md.AppendLine();
        md.AppendLine("| target | wanted | measured | met |");
        md.AppendLine("|---|---|---|---|");
        void Target(string what, string wanted, string measured, bool? met) =>
            md.AppendLine(c, $"| {what} | {wanted} | {measured} | {(met is null ? "" : met.Value ? "yes" : "no")} |");
        double Ratio(LoadResult a, LoadResult b) => a.RequestsPerSecond / b.RequestsPerSecond;

        var gateway = Find(results, "hot profile read", "gateway", "closed");
        var kestrel = Find(results, "hot profile read", "bare Kestrel", "closed");
        var redis = Find(results, "hot profile read", "Redis", "closed");
        var open = Find(results, "hot profile read", "gateway", "open");
        var openKestrel = Find(results, "hot profile read", "bare Kestrel", "open");
        if (gateway is not null && redis is not null)
        {
            Target("hot profile read vs Redis cache-aside", "≥ 1.5x", $"{Ratio(gateway, redis):0.00}x", Ratio(gateway, redis) >= 1.5);
        }

        if (gateway is not null && kestrel is not null)
        {
            Target("hot profile read vs bare Kestrel", "≥ 85%", $"{Ratio(gateway, kestrel):P0}", Ratio(gateway, kestrel) >= 0.85);
        }

        if (open is not null)
        {
            // Bare Kestrel at the same rate is the floor this machine and load generator allow.
            var floor = openKestrel is null ? "" : $" (bare Kestrel at the same rate: {openKestrel.Percentile(99):0.00} ms)";
            Target($"hot profile read p99 at half of peak ({open.Mode})", "≤ 3 ms", $"{open.Percentile(99):0.00} ms{floor}", open.Percentile(99) <= 3);
        }

        if (findings.HitRatio is { } hitRatio)
        {
            Target("near-cache hit ratio during the hot profile read", "≥ 99%", $"{hitRatio:P2}", hitRatio >= 0.99);
        }

        var coldPass = results.FirstOrDefault(r => r.Scenario == "post read" && r.Target.StartsWith("gateway, cold pass", StringComparison.Ordinal)
            && !r.Target.EndsWith("admission off", StringComparison.Ordinal));
        var postSql = Find(results, "post read", "PostgreSQL", "closed");
        if (coldPass is not null && postSql is not null)
        {
            Target("cold post read (each post read once) vs PostgreSQL per request", "≥ 0.8x", $"{Ratio(coldPass, postSql):0.00}x", Ratio(coldPass, postSql) >= 0.8);
            var p99 = coldPass.Percentile(99) / postSql.Percentile(99);
            Target("cold post read p99 vs PostgreSQL per request's", "≤ 1.5x",
                $"{coldPass.Percentile(99):0.00} / {postSql.Percentile(99):0.00} ms ({p99:0.00}x)", p99 <= 1.5);
        }

        if (findings.OneTimeReads is { } kept)
        {
            var without = findings.OneTimeReadsWithoutAdmission is { } off ? $" (admission off: {off.Activations:N0}, {off.HeapBytes / 1e6:N0} MB)" : "";
            Target("activations left by 100,000 one-time post reads (silo heap kept)", "≤ 1,000",
                $"{kept.Activations:N0}, {kept.HeapBytes / 1e6:N0} MB{without}", kept.Activations <= 1_000);
        }

        var write = Find(results, "post write", "gateway", "closed");
        var stateless = Find(results, "post write", "stateless", "closed");
        var raw = Find(results, "post write", "raw Npgsql", "closed");
        if (write is not null && stateless is not null)
        {
            Target("post write vs the stateless service", "≥ 1.2x", $"{Ratio(write, stateless):0.00}x", Ratio(write, stateless) >= 1.2);
        }

        var openWrite = Find(results, "post write", "gateway", "open");
        var openStateless = Find(results, "post write", "stateless", "open");
        if (openWrite is not null && openStateless is not null)
        {
            Target($"post write p99 vs the stateless service's at the same rate ({openWrite.Mode})", "≤ 1x",
                $"{openWrite.Percentile(99):0.00} / {openStateless.Percentile(99):0.00} ms", openWrite.Percentile(99) <= openStateless.Percentile(99));
        }

        if (write is not null && raw is not null)
        {
            Target("post write vs the raw statement alone", "reported", $"{Ratio(write, raw):P0}", null);
        }

        if (findings.TransactionsPerPost is { } perPost)
        {
            Target("PostgreSQL transactions per post write (relay and fan-out included)", "≤ 2", $"{perPost:0.00}", perPost <= 2);
        }

        var openMix = Find(results, "mixed 90/10", "gateway", "open");
        var openStatelessMix = Find(results, "mixed 90/10", "stateless", "open");
        if (openMix is not null)
        {
            var beside = openStatelessMix is null ? "" : $" (stateless service at the same rate: {openStatelessMix.Percentile(99):0.00} ms)";
            Target($"mixed 90/10 p99 at half of peak ({openMix.Mode})", "≤ 20 ms", $"{openMix.Percentile(99):0.00} ms{beside}", openMix.Percentile(99) <= 20);
        }

        var hotMany = results.FirstOrDefault(r => r.Scenario == "post read" && r.Target.StartsWith("gateway, hot over 100", StringComparison.Ordinal));
        var hotFew = results.FirstOrDefault(r => r.Scenario == "post read" && r.Target.StartsWith("gateway, hot over 1,000", StringComparison.Ordinal));
        if (hotMany is not null && hotFew is not null)
        {
            Target("hot post read over 100,000 posts vs over 1,000", "≥ 80%", $"{Ratio(hotMany, hotFew):P0}", Ratio(hotMany, hotFew) >= 0.8);
        }

        var feed = Find(results, "feed page", "gateway", "closed");
        var feedSql = Find(results, "feed page", "PostgreSQL", "closed");
        if (feed is not null && feedSql is not null)
        {
            Target("hot feed page vs one SQL query per request", "≥ 8x", $"{Ratio(feed, feedSql):0.0}x", Ratio(feed, feedSql) >= 8);
        }

        if (findings.BytesPerNearCacheEntry is { } bytes)
        {
            Target("gateway memory per near-cache entry (a post)", "reported", $"{bytes:N0} bytes", null);
        }

        return md.ToString();
    }

    private const string Method = """
        `tests/benchmarks/bench.sh [seconds-per-run] [connections] [only]` starts the local stack if needed,
        seeds the data set into its database once, and drives each scenario through a gateway whose rate
        limits never reject, closed loop (peak throughput) and open loop (a fixed arrival rate, latency
        measured from when each request was due, so queueing is charged). `only` (`profile`, `feed` or
        `writes`) runs one group into `results-<only>/`. Baselines run in the same pass, from a server
        process of their own:

        - **bare Kestrel** answering the same profile JSON from a dictionary: the HTTP ceiling here;
        - **Redis cache-aside**, the service a .NET team would build instead: read Redis, on a miss read
          PostgreSQL and set Redis (coherent, since Redis is the only cache);
        - **PostgreSQL per request**: a pooled, prepared query per request (for feeds, the best single
          statement that assembles the page);
        - **the stateless service**: the same process validating the gateway's bearer tokens and running the
          post grain's own statement per post on a pooled connection, then deleting the author's profile
          from the Redis cache-aside; its 90/10 mix reads profiles through that cache-aside;
        - **raw writes**: an Npgsql loop running the post grain's own statement (post row, author counter
          and outbox event), prepared, at the post write scenario's 32 connections, in a database of its
          own so no relay takes its events.

        The gateway's reads go through its near cache. Its hit ratio is read from the gateway's
        `/metrics` around the hot profile read. PostgreSQL transactions per post are read from
        `pg_stat_database` before and after the post write run, each time once the outbox is drained and
        the backends have reported (so the relay's and fan-out's transactions count, and so does whatever
        else ran meanwhile: an upper bound). The long tail: the 100,000 posts read once each after every
        idle activation was collected, first through a second gateway with admission off (each read
        activates a grain and loads its row), then through the bench gateway (a first read activates
        nothing); activations and silo heap kept are read after each pass. Then every post is read once
        more (admitted), and the hot runs read them while all are held (the bench gateway's near cache
        holds 200,000 posts), then 1,000 of them.
        Memory per near-cache entry: the gateway's own cache class filled with 100,000 posts as the
        grains send them, in the benchmark process, heap measured after full collections.

        Warm-up lasts until the processes on the measured path stop compiling (a fresh silo keeps
        recompiling hot code for about two minutes under load): each target is loaded in 5 s steps until
        the JIT time of gateway, silos, baseline server and load generator (from their `/metrics`) grew by
        under 50 ms in the last step (at least `--WarmUpSeconds`, 10, at most 2 minutes). An open-loop run
        first runs 3 s at its rate unrecorded and prints the worst latency of each quarter second, so a
        tail made of a few stalls shows as such.

        Everything shares one 2-core machine, and runs on it vary by a third and more, the baselines with
        them: compare within a run. The exit status reflects errors of the system under test only.

        """;

    private static string MemoryTable(IReadOnlyList<MemoryResult> memory)
    {
        var md = new StringBuilder();
        md.AppendLine();
        md.AppendLine("| memory per active grain (silo managed heap after full GC) | activations | bytes each |");
        md.AppendLine("|---|---:|---:|");
        foreach (var m in memory)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {m.Grain} | {m.Activations:N0} | {m.BytesPerActivation:N0} |");
        }

        return md.ToString();
    }

    private static void Chart(IReadOnlyList<LoadResult> results, string throughputPath, string latencyPath)
    {
        var labels = results.Select(r => $"{r.Scenario}\n{r.Target}\n{r.Mode}").ToArray();
        var positions = Enumerable.Range(0, results.Count).Select(i => (double)i).ToArray();

        var throughput = new Plot();
        throughput.Add.Bars(positions, results.Select(r => r.RequestsPerSecond).ToArray());
        throughput.Axes.Bottom.SetTicks(positions, labels);
        throughput.Axes.Bottom.TickLabelStyle.FontSize = 9;
        throughput.Axes.Margins(bottom: 0);
        throughput.Title("Throughput (requests/s)");
        throughput.SavePng(throughputPath, 1600, 700);

        // Logarithmic: a queueing baseline's seconds and a hot read's milliseconds share one chart.
        const double Floor = 0.1;
        var latency = new Plot();
        double[] percentiles = [50, 99, 99.9];
        for (var p = 0; p < percentiles.Length; p++)
        {
            var bars = latency.Add.Bars(positions.Select(x => x + (p - 1) * 0.27).ToArray(),
                results.Select(r => Math.Log10(Math.Max(Floor, r.Percentile(percentiles[p])))).ToArray());
            bars.LegendText = $"p{percentiles[p]}";
            foreach (var bar in bars.Bars)
            {
                bar.Size = 0.25;
                bar.ValueBase = Math.Log10(Floor);
            }
        }

        latency.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            LabelFormatter = y => Math.Pow(10, y).ToString("0.###", CultureInfo.InvariantCulture),
        };
        latency.Axes.Bottom.SetTicks(positions, labels);
        latency.Axes.Bottom.TickLabelStyle.FontSize = 9;
        latency.Axes.Margins(bottom: 0);
        latency.Title("Latency percentiles (ms, logarithmic)");
        latency.ShowLegend();
        latency.SavePng(latencyPath, 1600, 700);
    }

    private static LoadResult? Find(IReadOnlyList<LoadResult> results, string scenario, string target, string mode) =>
        results.FirstOrDefault(r => r.Scenario == scenario && r.Target.StartsWith(target, StringComparison.Ordinal) && r.Mode.StartsWith(mode, StringComparison.Ordinal));

    private static string Cpu() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU";

    private static string Memory() =>
        string.Create(CultureInfo.InvariantCulture, $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0} GiB");
}
