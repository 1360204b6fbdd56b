namespace Actors.Grains.Abstractions.Leases;

/// <summary>
/// A gateway's near cache as the grains that lease it entries see it: a holder. A grain whose value
/// changed tells each holder with a live lease to drop its entry, and acknowledges the change only when
/// the holder answered or the lease ran out.
/// </summary>
[Alias("actors.INearCache")]
public interface INearCache : IGrainObserver
{
    /// <summary>
    /// Drops the entries, those held; answers once a read starting now can no longer see any of them. A
    /// silo sends the drops for one holder that arise while one is in flight together in the next.
    /// </summary>
    Task Drop(LeaseKind kind, Guid[] ids);
}
