using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Caching;

/// <summary>
/// The silos whose leases this gateway holds, each vouched for <see cref="NearCacheOptions.GrantorTrust"/>
/// after it last answered a call: a lease's own answer vouches for its grantor, and
/// <see cref="GrantorVouching"/> asks every grantor again well within the trust period. A silo that was
/// killed, frozen or cut off stops answering, and its entries stop being served within the trust period,
/// before the cluster can declare it dead and let another silo take its grains over.
/// </summary>
internal sealed class Grantors(IOptions<NearCacheOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<SiloAddress, Grantor> _known = new();
    private long _epoch;
    private readonly long _trustTicks = (long)(options.Value.GrantorTrust.TotalSeconds * clock.TimestampFrequency);

    /// <summary>
    /// <paramref name="silo"/> answered a call asked at <paramref name="askedAt"/>: answers its record, or
    /// null when a lease named no grantor (then it is not kept).
    /// </summary>
    public Grantor? Answered(SiloAddress? silo, long askedAt)
    {
        if (silo is null)
        {
            return null;
        }

        var grantor = _known.GetOrAdd(silo, static s => new Grantor(s));
        grantor.Answered(askedAt, askedAt + _trustTicks);
        return grantor;
    }

    /// <summary>Moves on at every reset: a fill that saw it move while it asked keeps nothing.</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>
    /// The silo missed telling this gateway of a change <paramref name="missed"/> times: every entry it
    /// granted is dropped (they refer to the old record, which vouches no more), and a new record takes
    /// its place, unvouched until the silo answers again.
    /// </summary>
    public void Reset(Grantor grantor, long missed)
    {
        Interlocked.Increment(ref _epoch);
        grantor.Distrust();
        _known.TryUpdate(grantor.Silo, new Grantor(grantor.Silo, missed), grantor);
        Interlocked.Increment(ref _epoch);
    }

    /// <summary>Every silo known to have granted a lease.</summary>
    public ICollection<Grantor> Known => _known.Values;

    /// <summary>Stops asking <paramref name="grantor"/>; its entries stay unserved. A later lease from it makes it known again.</summary>
    public bool Forget(Grantor grantor) => _known.TryRemove(new(grantor.Silo, grantor));
}
