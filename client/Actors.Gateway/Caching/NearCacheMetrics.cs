using System.Diagnostics.Metrics;
using Actors.Grains.Abstractions.Leases;

namespace Actors.Gateway.Caching;

/// <summary>The near cache's instruments (meter "Actors.Gateway"): lookups by result, entries, evictions, invalidations.</summary>
internal sealed class NearCacheMetrics
{
    public const string Hit = "hit";
    public const string Miss = "miss";
    public const string Renewal = "renewal";
    public const string Cold = "cold";

    private readonly Meter _meter;
    private readonly Counter<long> _lookups;
    private readonly Counter<long> _invalidations;

    public NearCacheMetrics(IMeterFactory meters)
    {
        _meter = meters.Create("Actors.Gateway");
        _lookups = _meter.CreateCounter<long>("actors.nearcache.lookups", "{lookup}",
            "Near-cache lookups by kind and result: hit (served from the gateway), miss (leased from the grain), "
            + "renewal (held, but its lease ran out: leased again), cold (not admitted: the committed row, nothing activated or kept).");
        _invalidations = _meter.CreateCounter<long>("actors.nearcache.invalidations", "{entry}",
            "Entries dropped because their grain's value changed.");
    }

    public void Lookup(LeaseKind kind, string result) =>
        _lookups.Add(1, new KeyValuePair<string, object?>("kind", Name(kind)), new KeyValuePair<string, object?>("result", result));

    public void Invalidated(LeaseKind kind) => _invalidations.Add(1, new KeyValuePair<string, object?>("kind", Name(kind)));

    public void Observe(LeaseKind kind, Func<int> entries, Func<long> evictions)
    {
        var tag = new KeyValuePair<string, object?>("kind", Name(kind));
        _meter.CreateObservableGauge("actors.nearcache.entries", () => new Measurement<int>(entries(), tag), "{entry}", "Entries held.");
        _meter.CreateObservableCounter("actors.nearcache.evictions", () => new Measurement<long>(evictions(), tag), "{entry}",
            "Entries evicted to stay within the configured capacity.");
    }

    private static string Name(LeaseKind kind) => kind == LeaseKind.User ? "user" : "post";
}
