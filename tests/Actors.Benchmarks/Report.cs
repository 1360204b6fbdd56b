using System.Globalization;
using System.Text;
using ScottPlot;

namespace Actors.Benchmarks;

/// <summary>Writes results/benchmark.md (table, targets, machine, date) and two PNG charts.</summary>
internal static class Report
{
    public static void Write(string folder, IReadOnlyList<LoadResult> results, IReadOnlyList<MemoryResult> memory, BenchSettings settings)
    {
        Directory.CreateDirectory(folder);
        var markdown = Markdown(results, settings) + MemoryTable(memory);
        File.WriteAllText(Path.Combine(folder, "benchmark.md"), markdown);
        Chart(results, Path.Combine(folder, "benchmark-throughput.png"), Path.Combine(folder, "benchmark-latency.png"));
        Console.WriteLine();
        Console.WriteLine(markdown);
    }

    private static string Markdown(IReadOnlyList<LoadResult> results, BenchSettings settings)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("### Benchmark");
        md.AppendLine();
        md.AppendLine(c, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores ({Cpu()}), {Memory()}; gateway, two silos, PostgreSQL, Redis, the baseline server and the load generator all on this one machine; {settings.Duration.TotalSeconds:0} s per run.");
        md.AppendLine("Data set: 10,000 users, 100,000 posts, a long-tail follower graph, and 2,000 feed readers following 100 authors each (500 of them hot). Latency in ms, HdrHistogram; open-loop latencies are measured from when each request was due (coordinated omission corrected).");
        md.AppendLine();
        md.AppendLine("| scenario | target | load | req/s | p50 | p95 | p99 | p99.9 | errors |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(c, $"| {r.Scenario} | {r.Target} | {r.Mode} | {r.RequestsPerSecond:N0} | {r.Percentile(50):0.00} | {r.Percentile(95):0.00} | {r.Percentile(99):0.00} | {r.Percentile(99.9):0.00} | {r.Errors} |");
        }

        md.AppendLine();
        var gateway = Find(results, "hot profile read", "gateway", "closed");
        var kestrel = Find(results, "hot profile read", "bare Kestrel", "closed");
        var postgres = Find(results, "hot profile read", "PostgreSQL", "closed");
        var open = Find(results, "hot profile read", "gateway", "open");
        var cold = Find(results, "cold profile read", "gateway", "closed");
        md.AppendLine("| target | wanted | measured |");
        md.AppendLine("|---|---|---|");
        if (gateway is not null && kestrel is not null)
        {
            md.AppendLine(c, $"| hot read throughput vs bare Kestrel | ≥ 50% | {gateway.RequestsPerSecond / kestrel.RequestsPerSecond:P0} |");
        }

        if (gateway is not null && postgres is not null)
        {
            md.AppendLine(c, $"| hot read throughput vs PostgreSQL per request | ≥ 3x | {gateway.RequestsPerSecond / postgres.RequestsPerSecond:0.0}x |");
        }

        if (open is not null)
        {
            md.AppendLine(c, $"| hot read p99 at half of peak rate ({open.Mode}) | < 5 ms | {open.Percentile(99):0.00} ms |");
        }

        if (cold is not null)
        {
            md.AppendLine(c, $"| cold read p99 | < 15 ms | {cold.Percentile(99):0.00} ms |");
        }

        var feed = Find(results, "feed page", "gateway", "closed");
        var feedSql = Find(results, "feed page", "PostgreSQL", "closed");
        var feedOpen = Find(results, "feed page", "gateway", "open");
        var feedSqlOpen = Find(results, "feed page", "PostgreSQL", "open");
        if (feed is not null && feedSql is not null)
        {
            md.AppendLine(c, $"| hot feed throughput vs one SQL query per request | ≥ 3x | {feed.RequestsPerSecond / feedSql.RequestsPerSecond:0.0}x |");
            md.AppendLine(c, $"| hot feed p99, peak load: timeline vs SQL | lower | {feed.Percentile(99):0.00} vs {feedSql.Percentile(99):0.00} ms |");
        }

        if (feedOpen is not null && feedSqlOpen is not null)
        {
            md.AppendLine(c, $"| hot feed p99 at half of peak ({feedOpen.Mode}): timeline vs SQL | lower | {feedOpen.Percentile(99):0.00} vs {feedSqlOpen.Percentile(99):0.00} ms |");
        }

        return md.ToString();
    }

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
