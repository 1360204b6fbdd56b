using System.Globalization;

namespace Actors.Stack.Tests.Infrastructure;

/// <summary>Reads the services' Prometheus text exposition (<c>/metrics</c>).</summary>
internal static class Metrics
{
    public static async Task<string> ScrapeAsync(Uri url)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(url);
    }

    /// <summary>Sum of the samples of one metric whose labels contain every given label pair.</summary>
    public static double Value(string exposition, string metric, params string[] labels) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(l => line.Contains(l, StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
