using Orleans.Placement;

namespace Actors.Grains.Placement;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PerSiloPlacementAttribute() : PlacementAttribute(new PerSiloPlacement());
