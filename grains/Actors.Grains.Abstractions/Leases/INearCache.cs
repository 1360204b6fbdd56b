namespace Actors.Grains.Abstractions.Leases;

/// <summary>
/// A gateway's near cache as the grains that lease it entries see it: a holder. A grain whose value
/// changed tells each holder with a live lease to drop its entry, and acknowledges the change only when
/// the holder answered or the lease ran out.
/// </summary>
[Alias("actors.INearCache")]
public interface INearCache : IGrainObserver
{
    /// <summary>Drops the entry, if held; answers once a read starting now can no longer see it.</summary>
    Task Drop(LeaseKind kind, Guid id);
}
