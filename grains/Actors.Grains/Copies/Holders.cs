using Actors.Grains.Abstractions.Leases;

namespace Actors.Grains.Copies;

/// <summary>
/// The gateways that hold one grain's value under a lease. A change is acknowledged only after
/// <see cref="RevokeAsync"/>: each holder whose lease still runs has answered that it dropped the value,
/// or it can no longer serve the value. A holder that does not answer is asked again (the message may
/// have been routed through a silo that just died), and loses its standing here (<see cref="Leasing"/>):
/// once its trust period has passed it serves nothing this silo granted, so the write waits that long
/// at most (or the rest of the lease, if shorter), unless Orleans says the client is gone for good. Grain
/// turns call it one at a time, so it needs no lock.
/// </summary>
internal sealed class Holders(Leasing leases, LeaseKind kind, Guid id)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(500);
    /// <summary>How long one attempt to tell a holder waits for its answer.</summary>
    internal static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);

    private readonly Dictionary<INearCache, long> _until = [];

    /// <summary>
    /// Hands <paramref name="value"/> to <paramref name="holder"/>, with a lease only when memory holds a
    /// value and trusts it: a stale row served while the database is away is not kept.
    /// </summary>
    public Leased<T> Lease<T>(T? value, bool trusted, INearCache holder) =>
        new(value, value is not null && trusted && leases.InGoodStanding(holder) ? Grant(holder) : TimeSpan.Zero, leases.Grantor);

    /// <summary>Records <paramref name="holder"/> until its lease runs out; answers the lease's length.</summary>
    private TimeSpan Grant(INearCache holder)
    {
        var length = leases.Length;
        if (length > TimeSpan.Zero)
        {
            _until[holder] = leases.Clock.GetTimestamp() + (long)(length.TotalSeconds * leases.Clock.TimestampFrequency);
            leases.Metrics.LeaseGranted(kind);
        }

        return length;
    }

    /// <summary>
    /// Tells every holder with a live lease to drop the value. Call it right after memory changed, in the
    /// same turn: a lease granted after this call hands out the new value.
    /// </summary>
    public Task RevokeAsync()
    {
        if (_until.Count == 0)
        {
            return Task.CompletedTask;
        }

        var now = leases.Clock.GetTimestamp();
        var told = new List<Task>(_until.Count);
        foreach (var (holder, until) in _until)
        {
            if (until > now)
            {
                told.Add(TellAsync(holder, TimeSpan.FromSeconds((until - now) / (double)leases.Clock.TimestampFrequency)));
            }
        }

        _until.Clear();
        return Task.WhenAll(told);
    }

    private async Task TellAsync(INearCache holder, TimeSpan remaining)
    {
        var started = leases.Clock.GetTimestamp();
        var pause = FirstPause;
        var waitUntil = remaining;
        for (var attempt = 1; ; attempt++)
        {
            var left = waitUntil - leases.Clock.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                leases.Metrics.LeaseRevoked(kind, attempt == 1 ? "expired" : "distrusted");
                return;
            }

            try
            {
                // Each attempt is short: a message routed through a silo that just died is lost, not refused.
                await leases.DropAsync(holder, kind, id).WaitAsync(left < AttemptTimeout ? left : AttemptTimeout, leases.Clock);
                leases.Metrics.LeaseRevoked(kind, "confirmed");
                return;
            }
            catch (ClientNotAvailableException)
            {
                leases.Metrics.LeaseRevoked(kind, "gone");
                return;
            }
            catch (Exception ex) when (ex is OrleansException or OperationCanceledException or TimeoutException)
            {
                if (attempt == 1)
                {
                    // From now on this silo neither leases to the holder nor vouches for itself to it until it
                    // has reset: after its trust period it serves nothing granted here, whatever it can hear.
                    leases.Missed(holder);
                    leases.HolderRetried(kind, id, ex);
                    var trusted = leases.Clock.GetElapsedTime(started) + leases.HolderTrust;
                    waitUntil = trusted < remaining ? trusted : remaining;
                }

                left = waitUntil - leases.Clock.GetElapsedTime(started);
                if (left > TimeSpan.Zero)
                {
                    await Task.Delay(left < pause ? left : pause, leases.Clock);
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }
}
