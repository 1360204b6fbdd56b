using Actors.Grains.Abstractions.Leases;
using Actors.Grains.Copies;
using Actors.Grains.Placement;
using Orleans.Concurrency;

namespace Actors.Grains.Cluster;

/// <inheritdoc cref="IGrantorGrain"/>
/// <remarks>The answer itself is the proof: <see cref="FenceFilter"/> lets a call through only while this silo is confirmed a member.</remarks>
[PerSiloPlacement, Reentrant]
public sealed class GrantorGrain(Leasing leases) : Grain, IGrantorGrain
{
    public ValueTask<long> Vouch(INearCache holder, long resets) => ValueTask.FromResult(leases.Vouch(holder, resets));
}
