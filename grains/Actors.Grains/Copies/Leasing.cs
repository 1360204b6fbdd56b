using System.Collections.Concurrent;
using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Leases;
using Actors.Grains.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Copies;

/// <summary>
/// What every grain's <see cref="Holders"/> share: the lease length, the clock, metrics and logs, and each
/// holder's standing on this silo. A holder that could not be told of a change has missed a revocation:
/// this silo grants it no lease and does not vouch for itself to it (<see cref="Vouch"/>) until the
/// holder has dropped every entry the silo granted it. So once its trust period has passed, the holder
/// serves nothing this silo granted, and the write that could not reach it need not wait out its lease.
/// </summary>
public sealed partial class Leasing(
    IOptions<LeaseOptions> options, TimeProvider clock, GrainMetrics metrics, ILocalSiloDetails silo, ILogger<Leasing> logger)
{
    private const int DropBatchLimit = 4_096;

    private readonly ConcurrentDictionary<INearCache, Standing> _standings = new();
    private readonly ConcurrentDictionary<(INearCache Holder, LeaseKind Kind), Batcher<Guid, bool>> _drops = new();

    internal TimeSpan Length { get; } = options.Value.Length;

    /// <summary>The longest any gateway serves this silo's entries after it last vouched for itself.</summary>
    internal TimeSpan HolderTrust { get; } = options.Value.HolderTrust;

    internal TimeProvider Clock => clock;

    /// <summary>This silo, named in every lease it grants.</summary>
    internal SiloAddress Grantor => silo.SiloAddress;

    internal GrainMetrics Metrics => metrics;

    /// <summary>The holders of one grain's value; kept by the grain's activation.</summary>
    internal Holders For(LeaseKind kind, Guid id) => new(this, kind, id);

    /// <summary>
    /// Tells <paramref name="holder"/> to drop one entry. The drops for one holder that arise while a
    /// message to it is in flight go together in the next one: a burst of changes, or of deactivations
    /// (each revokes its leases), costs the holder a few messages, not one per entry.
    /// </summary>
    internal Task DropAsync(INearCache holder, LeaseKind kind, Guid id) =>
        _drops.GetOrAdd((holder, kind), static key => new Batcher<Guid, bool>(async ids =>
        {
            // Bounded like one attempt, so a holder that stopped answering holds up no later message.
            await key.Holder.Drop(key.Kind, [.. ids]).WaitAsync(Holders.AttemptTimeout).ConfigureAwait(false);
            return new bool[ids.Count];
        }, TimeSpan.Zero, DropBatchLimit)).RunAsync(id);

    /// <summary>Whether <paramref name="holder"/> has reset past every revocation it missed here.</summary>
    internal bool InGoodStanding(INearCache holder) => !_standings.TryGetValue(holder, out var standing) || standing.Good;

    /// <summary><paramref name="holder"/> could not be told of a change: it must reset before it is vouched for or leased again.</summary>
    internal void Missed(INearCache holder) => _standings.GetOrAdd(holder, static _ => new Standing()).Miss();

    /// <summary>The holder has reset <paramref name="resets"/> times: answers the revocations it missed.</summary>
    internal long Vouch(INearCache holder, long resets) =>
        _standings.TryGetValue(holder, out var standing) ? standing.Vouch(resets) : 0;

    internal void HolderRetried(LeaseKind kind, Guid id, Exception exception) => LogRetried(logger, kind, id, exception.GetType().Name, exception.Message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A holder of {Kind} {Id} could not be told of a change ({ExceptionType}: {Reason}); it is distrusted until it resets")]
    private static partial void LogRetried(ILogger logger, LeaseKind kind, Guid id, string exceptionType, string reason);

    private sealed class Standing
    {
        private long _missed;
        private long _resets;

        public bool Good => Interlocked.Read(ref _resets) >= Interlocked.Read(ref _missed);

        public void Miss() => Interlocked.Increment(ref _missed);

        public long Vouch(long resets)
        {
            var seen = Interlocked.Read(ref _resets);
            while (resets > seen)
            {
                var was = Interlocked.CompareExchange(ref _resets, resets, seen);
                if (was == seen)
                {
                    break;
                }

                seen = was;
            }

            return Interlocked.Read(ref _missed);
        }
    }
}
