namespace Actors.Gateway.Caching;

/// <summary>
/// A silo that granted leases to this gateway, and until when it is vouched for: the latest answer it
/// gave to a call asked at time t vouches for it until t plus the trust period. Entries it granted are
/// served only while it is vouched for.
/// </summary>
internal sealed class Grantor(SiloAddress silo, long resets = 0)
{
    private long _vouchedUntil;
    private long _answeredAt;

    public SiloAddress Silo { get; } = silo;

    /// <summary>How many times this gateway dropped everything the silo granted it, told to by the silo.</summary>
    public long Resets { get; } = resets;

    /// <summary>A vouching call in flight, if any: one at a time per silo.</summary>
    public Task? Asking { get; set; }

    public long AnsweredAt => Volatile.Read(ref _answeredAt);

    public bool VouchesAt(long now) => now < Volatile.Read(ref _vouchedUntil);

    /// <summary>The silo answered a call asked at <paramref name="askedAt"/>: vouched for until <paramref name="until"/>, if that is later.</summary>
    public void Answered(long askedAt, long until)
    {
        Raise(ref _answeredAt, askedAt);
        Raise(ref _vouchedUntil, until);
    }

    /// <summary>Vouched for no more: the silo said it could not tell this gateway of a change.</summary>
    public void Distrust() => Volatile.Write(ref _vouchedUntil, 0);

    private static void Raise(ref long field, long value)
    {
        var seen = Volatile.Read(ref field);
        while (value > seen)
        {
            var was = Interlocked.CompareExchange(ref field, value, seen);
            if (was == seen)
            {
                return;
            }

            seen = was;
        }
    }
}
