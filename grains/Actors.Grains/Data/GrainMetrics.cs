using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Actors.Grains.Data;

/// <summary>
/// The grains' own instruments (meter "Actors.Grains"): how often reads are answered from memory
/// versus loaded from PostgreSQL (the grain cache hit ratio), and how long database operations take
/// and how they fail (write-through latency and failures).
/// </summary>
public sealed class GrainMetrics
{
    public const string MeterName = "Actors.Grains";

    private readonly Counter<long> _reads;
    private readonly Histogram<double> _operations;

    public GrainMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _reads = meter.CreateCounter<long>("actors.grain.reads", "{read}",
            "Entity reads by grains; source=memory is a cache hit, source=database a load.");
        _operations = meter.CreateHistogram<double>("actors.db.operation.duration", "s",
            "PostgreSQL operations by name and kind (read, write), with their outcome (ok, unavailable, unknown).");
    }

    public void Read(string grain, bool fromMemory) =>
        _reads.Add(1, new KeyValuePair<string, object?>("grain", grain), new KeyValuePair<string, object?>("source", fromMemory ? "memory" : "database"));

    public void Operation(string operation, bool isRead, string outcome, long startTimestamp) =>
        _operations.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("kind", isRead ? "read" : "write"),
            new KeyValuePair<string, object?>("outcome", outcome));
}
