using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Actors.Grains.Placement;

/// <summary>
/// Places a grain on the silo its string key names (<see cref="SiloAddress.ToParsableString"/>), so a
/// caller can reach every silo by calling one such grain per member. A key naming a silo that is not an
/// active member cannot be placed: the call fails, as a call to that silo would.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class PerSiloPlacement : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PerSiloPlacementAttribute() : PlacementAttribute(new PerSiloPlacement());

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
