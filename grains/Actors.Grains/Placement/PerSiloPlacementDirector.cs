using Orleans.Runtime.Placement;

namespace Actors.Grains.Placement;

public sealed class PerSiloPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        var silo = SiloAddress.FromParsableString(key);
        return Array.IndexOf(context.GetCompatibleSilos(target), silo) >= 0
            ? Task.FromResult(silo)
            : throw new SiloUnavailableException($"Silo {key} is not an active member of the cluster.");
    }
}
