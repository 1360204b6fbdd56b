namespace Actors.Grains.Abstractions.Leases;

/// <summary>Which kind of entity a lease is for.</summary>
[GenerateSerializer, Alias("actors.LeaseKind")]
public enum LeaseKind
{
    User = 0,
    Post = 1,
}
