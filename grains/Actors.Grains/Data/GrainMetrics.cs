using System.Diagnostics;
using System.Diagnostics.Metrics;
using Actors.Grains.Abstractions.Leases;

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
    private readonly Counter<long> _relayed;
    private readonly Histogram<double> _consumed;
    private readonly Counter<long> _leasesGranted;
    private readonly Counter<long> _leasesRevoked;

    public GrainMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _reads = meter.CreateCounter<long>("actors.grain.reads", "{read}",
            "Entity reads by grains; source=memory is a cache hit, source=database a load.");
        _operations = meter.CreateHistogram<double>("actors.db.operation.duration", "s",
            "PostgreSQL operations by name and kind (read, write), with their outcome (ok, unavailable, unknown).");
        _relayed = meter.CreateCounter<long>("actors.outbox.relayed", "{event}",
            "Outbox events a relay claimed and handed to a consumer stream (or finished, when nothing consumes them).");
        _consumed = meter.CreateHistogram<double>("actors.outbox.consumer.lag", "s",
            "Time from an event's commit to its consumer finishing an attempt, by consumer and outcome "
            + "(done, duplicate, retry, dead_lettered): the consumer lag.");
        _leasesGranted = meter.CreateCounter<long>("actors.lease.grants", "{lease}",
            "Leases of user and post values granted to gateways' near caches (first fills and renewals).");
        _leasesRevoked = meter.CreateCounter<long>("actors.lease.revocations", "{lease}",
            "Live leases revoked by a change, by outcome: confirmed (the gateway dropped its entry), expired "
            + "(the write waited the lease out), distrusted (the gateway could not be told; the write waited until "
            + "its trust in this silo ran out), gone (the gateway left the cluster).");
    }

    public void LeaseGranted(LeaseKind kind) => _leasesGranted.Add(1, new KeyValuePair<string, object?>("kind", KindName(kind)));

    public void LeaseRevoked(LeaseKind kind, string outcome) =>
        _leasesRevoked.Add(1, new KeyValuePair<string, object?>("kind", KindName(kind)), new KeyValuePair<string, object?>("outcome", outcome));

    private static string KindName(LeaseKind kind) => kind == LeaseKind.User ? "user" : "post";

    public void Relayed(int count) => _relayed.Add(count);

    public void Consumed(string consumer, string outcome, TimeSpan lag) =>
        _consumed.Record(Math.Max(0, lag.TotalSeconds),
            new KeyValuePair<string, object?>("consumer", consumer), new KeyValuePair<string, object?>("outcome", outcome));

    public void Read(string grain, bool fromMemory) =>
        _reads.Add(1, new KeyValuePair<string, object?>("grain", grain), new KeyValuePair<string, object?>("source", fromMemory ? "memory" : "database"));

    public void Operation(string operation, bool isRead, string outcome, long startTimestamp) =>
        _operations.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("kind", isRead ? "read" : "write"),
            new KeyValuePair<string, object?>("outcome", outcome));
}
