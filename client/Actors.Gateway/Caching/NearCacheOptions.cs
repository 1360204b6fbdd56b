namespace Actors.Gateway.Caching;

/// <summary>The gateway's near cache of leased profiles and posts. Bound from the "NearCache" section.</summary>
public sealed class NearCacheOptions
{
    public const string Section = "NearCache";

    /// <summary>Serve hot profiles and posts from the gateway's memory under leases; off: every read asks its grain.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most profiles held; the least recently used go first.</summary>
    public int UserCapacity { get; set; } = 100_000;

    /// <summary>Most posts held; the least recently used go first.</summary>
    public int PostCapacity { get; set; } = 100_000;

    public bool IsValid() => UserCapacity >= 3 && PostCapacity >= 3;
}
