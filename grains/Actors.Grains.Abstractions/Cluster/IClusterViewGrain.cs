using Orleans.Concurrency;

namespace Actors.Grains.Abstractions.Cluster;

/// <summary>
/// What the silo that answers knows of the cluster, from its memory: no call to the membership store,
/// so a gateway can tell "a silo answers" while Redis is away.
/// </summary>
[Alias("actors.IClusterViewGrain")]
public interface IClusterViewGrain : IGrainWithIntegerKey
{
    /// <summary>Active silos in the answering silo's current membership view.</summary>
    [ReadOnly]
    ValueTask<int> ActiveSilos();
}
