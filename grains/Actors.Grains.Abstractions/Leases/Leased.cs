namespace Actors.Grains.Abstractions.Leases;

/// <summary>
/// A value handed to a holder with a lease: the grain tells the holder before the value changes for as
/// long as <see cref="Lease"/> runs, counted from when the holder asked. A zero lease means "do not
/// keep it" (no such entity, or memory that is not trusted right now). <see cref="Grantor"/> is the
/// silo whose activation granted it: the holder serves the value only while that silo is vouched for
/// (<see cref="IGrantorGrain"/>), so a lease never outlives its grantor's membership of the cluster.
/// </summary>
[GenerateSerializer, Immutable, Alias("actors.Leased`1")]
public sealed record Leased<T>(
    [property: Id(0)] T? Value,
    [property: Id(1)] TimeSpan Lease,
    [property: Id(2)] SiloAddress? Grantor = null);
