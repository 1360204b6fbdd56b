namespace Actors.Grains.Placement;

/// <summary>
/// Places a grain on the silo its string key names (<see cref="SiloAddress.ToParsableString"/>), so a
/// caller can reach every silo by calling one such grain per member. A key naming a silo that is not an
/// active member cannot be placed: the call fails, as a call to that silo would.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class PerSiloPlacement : PlacementStrategy;
