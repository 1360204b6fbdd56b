using System.Globalization;

namespace Actors.Benchmarks;

/// <summary>Reads the services' Prometheus text exposition (<c>/metrics</c>).</summary>
internal static class Exposition
{
    /// <summary>The runtime's counter of time spent compiling.</summary>
    public const string JitSeconds = "dotnet_jit_compilation_time_seconds_total";

    /// <summary>The managed heap as of the last collection, one sample per generation.</summary>
    public const string HeapBytes = "dotnet_gc_last_collection_heap_size_bytes";

    /// <summary>Messages added to a silo's stream queue caches, one sample per queue.</summary>
    public const string StreamCacheAdded = "orleans_streams_queue_cache_messages_added_total";

    /// <summary>Messages purged from a silo's stream queue caches, one sample per queue.</summary>
    public const string StreamCachePurged = "orleans_streams_queue_cache_messages_purged_total";

    /// <summary>Entries in a silo's cache of where grains are activated (Orleans' grain-directory cache).</summary>
    public const string DirectoryCacheEntries = "orleans_directory_cache_size";

    /// <summary>
    /// Every sample of <paramref name="metric"/> (whatever its labels) summed over the endpoints; an
    /// endpoint that exports none is an error, not a zero.
    /// </summary>
    /// <param name="label">When given, only samples whose labels contain it (such as <c>result="hit"</c>).</param>
    public static async Task<double> SumAsync(HttpClient http, IEnumerable<Uri> endpoints, string metric, string? label = null)
    {
        double total = 0;
        foreach (var url in endpoints)
        {
            var samples = (await http.GetStringAsync(url)).Split('\n')
                .Where(line => line.Length > metric.Length && line.StartsWith(metric, StringComparison.Ordinal) && line[metric.Length] is '{' or ' ')
                .Where(line => label is null || line.Contains(label, StringComparison.Ordinal))
                .Select(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
                .ToList();
            total += samples.Count > 0 ? samples.Sum() : throw new InvalidOperationException($"{url} exports no {metric}.");
        }

        return total;
    }
}
