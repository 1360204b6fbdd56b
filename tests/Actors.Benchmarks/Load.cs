using System.Diagnostics;
using HdrHistogram;

namespace Actors.Benchmarks;

/// <summary>What one load run measured: throughput, latency histogram (microseconds) and failures.</summary>
internal sealed record LoadResult(string Scenario, string Target, string Mode, double RequestsPerSecond, LongHistogram Latency, long Errors)
{
    public double Percentile(double p) => Latency.TotalCount == 0 ? double.NaN : Latency.GetValueAtPercentile(p) / 1000.0;
}

/// <summary>
/// HTTP load from this process. Closed loop: N connections, each sends its next request when the last
/// one answered (peak throughput). Open loop: requests are due at a fixed rate whatever happens, and
/// latency is measured from when a request was due, not from when it was sent, so a stalled server
/// is charged for the requests it kept waiting (coordinated omission corrected).
/// </summary>
internal static class Load
{
    public const long MaxLatencyMicros = 60_000_000;

    public static HttpClient Client(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<LoadResult> ClosedLoopAsync(
        string scenario, string target, HttpClient http, Func<long, HttpRequestMessage> request, int connections, TimeSpan duration, long? maxRequests = null)
    {
        long sequence = -1;
        long errors = 0;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var histograms = await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            var histogram = new LongHistogram(MaxLatencyMicros, 3);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var n = Interlocked.Increment(ref sequence);
                if (maxRequests is { } max && n >= max)
                {
                    break;
                }

                var sent = Stopwatch.GetTimestamp();
                if (!await SendAsync(http, request(n)).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref errors);
                }

                histogram.RecordValue(Math.Min(MaxLatencyMicros, (long)Stopwatch.GetElapsedTime(sent).TotalMicroseconds));
            }

            return histogram;
        })).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var total = Merge(histograms);
        return new LoadResult(scenario, target, $"closed, {connections} conn", total.TotalCount / elapsed, total, errors);
    }

    /// <summary>
    /// The first <see cref="OpenLoopSettle"/> at the rate is not recorded: the previous run leaves the
    /// target idle or the machine busy, and the switch is not the steady state being measured.
    /// </summary>
    public static async Task<LoadResult> OpenLoopAsync(
        string scenario, string target, HttpClient http, Func<long, HttpRequestMessage> request, double rate, TimeSpan duration)
    {
        await ScheduleAsync(scenario, target, http, request, rate, OpenLoopSettle).ConfigureAwait(false);
        var result = await ScheduleAsync(scenario, target, http, request, rate, duration).ConfigureAwait(false);
        Console.WriteLine($"  worst quarter-seconds ({target}): {string.Join(", ", result.Stalls)}");
        return result.Result;
    }

    private static readonly TimeSpan OpenLoopSettle = TimeSpan.FromSeconds(3);

    private static async Task<(LoadResult Result, IEnumerable<string> Stalls)> ScheduleAsync(
        string scenario, string target, HttpClient http, Func<long, HttpRequestMessage> request, double rate, TimeSpan duration)
    {
        var histogram = new LongHistogram(MaxLatencyMicros, 3);
        var gate = new object();
        long errors = 0;
        var inFlight = new List<Task>();
        var started = Stopwatch.GetTimestamp();
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var due = (long)(rate * duration.TotalSeconds);
        // The worst latency of the requests due in each quarter second: a tail made of a few stalls shows as a few bad windows.
        var worst = new long[(int)Math.Ceiling(duration.TotalSeconds * 4) + 1];
        for (long n = 0; n < due;)
        {
            var now = Stopwatch.GetTimestamp();
            // Send everything that has become due; then sleep about a millisecond.
            for (; n < due && started + (long)(n * ticksPerRequest) <= now; n++)
            {
                var intended = started + (long)(n * ticksPerRequest);
                var message = request(n);
                inFlight.Add(Task.Run(async () =>
                {
                    var ok = await SendAsync(http, message).ConfigureAwait(false);
                    var micros = Math.Min(MaxLatencyMicros, (long)((Stopwatch.GetTimestamp() - intended) * 1_000_000.0 / Stopwatch.Frequency));
                    lock (gate)
                    {
                        histogram.RecordValue(micros);
                        var window = (int)((intended - started) * 4 / Stopwatch.Frequency);
                        worst[window] = Math.Max(worst[window], micros);
                        if (!ok)
                        {
                            errors++;
                        }
                    }
                }));
            }

            if (inFlight.Count > 4096)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }

            await Task.Delay(1).ConfigureAwait(false);
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
        var stalls = worst.Select((micros, window) => (At: window / 4.0, Ms: micros / 1000.0)).OrderByDescending(w => w.Ms).Take(5)
            .Select(w => $"{w.Ms:0} ms at {w.At:0.00} s");
        return (new LoadResult(scenario, target, $"open, {rate:0}/s", due / duration.TotalSeconds, histogram, errors), stalls);
    }

    private static async Task<bool> SendAsync(HttpClient http, HttpRequestMessage message)
    {
        try
        {
            using (message)
            using (var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false))
            {
                return response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.NotModified;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public static LongHistogram Merge(IEnumerable<LongHistogram> histograms)
    {
        var total = new LongHistogram(MaxLatencyMicros, 3);
        foreach (var h in histograms)
        {
            total.Add(h);
        }

        return total;
    }
}
