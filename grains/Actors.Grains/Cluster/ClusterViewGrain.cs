using Actors.Grains.Abstractions.Cluster;
using Orleans.Concurrency;

namespace Actors.Grains.Cluster;

/// <summary>A local copy on every silo that takes the call; reads the membership snapshot the silo holds.</summary>
[StatelessWorker]
public sealed class ClusterViewGrain(IClusterMembershipService membership) : Grain, IClusterViewGrain
{
    public ValueTask<int> ActiveSilos() =>
        ValueTask.FromResult(membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active));
}
