using System.Globalization;
using Actors.Testing;

namespace Actors.Stack.Tests.Infrastructure;

/// <summary>Reads the services' Prometheus text exposition (<c>/metrics</c>).</summary>
internal static class Metrics
{
    public static async Task<string> ScrapeAsync(Uri url)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(url);
    }

    /// <summary>
    /// Scrapes <paramref name="url"/> until <paramref name="metric"/> satisfies <paramref name="until"/>;
    /// answers the value, or fails with the last one read after <paramref name="timeout"/>.
    /// </summary>
    public static Task<double> WaitForAsync(Uri url, string metric, Func<double, bool> until, TimeSpan timeout, string what) =>
        Poll.UntilAsync(async () => Value(await ScrapeAsync(url), metric), until, $"{what} ({metric})", timeout, TimeSpan.FromMilliseconds(250));

    /// <summary>Sum of the samples of one metric whose labels contain every given label pair.</summary>
    public static double Value(string exposition, string metric, params string[] labels) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(l => line.Contains(l, StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
