using Actors.Grains.Abstractions.Leases;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Caching;

/// <summary>
/// Asks every known grantor to vouch for itself (<see cref="IGrantorGrain.Vouch"/>) every third of the
/// trust period, each silo on its own so one that hangs delays no other. An answer to a call asked at t
/// vouches for the silo until t plus the trust period; no answer, and the silo's entries lapse. A silo
/// that answers that it could not tell this gateway of a change makes it drop all it granted.
/// </summary>
internal sealed partial class GrantorVouching(
    Grantors grantors, NearCache cache, IGrainFactory grains, IOptions<NearCacheOptions> options, TimeProvider clock, ILogger<GrantorVouching> logger)
    : BackgroundService
{
    // A silo that has not answered for this long is forgotten (it is dead, or cut off for good).
    private static readonly TimeSpan Forgotten = TimeSpan.FromMinutes(2);

    private readonly TimeSpan _trust = options.Value.GrantorTrust;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = _trust / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var grantor in grantors.Known)
            {
                if (grantor.Asking is null or { IsCompleted: true })
                {
                    grantor.Asking = AskAsync(grantor, stoppingToken);
                }
            }

            try
            {
                await Task.Delay(period, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task AskAsync(Grantor grantor, CancellationToken stopping)
    {
        var asked = clock.GetTimestamp();
        try
        {
            var missed = await grains.GetGrain<IGrantorGrain>(grantor.Silo.ToParsableString()).Vouch(cache.Holder, grantor.Resets).AsTask()
                .WaitAsync(_trust, clock, stopping);
            if (missed > grantor.Resets)
            {
                // The silo could not tell this gateway of a change: nothing it granted may be served any more.
                grantors.Reset(grantor, missed);
                LogReset(logger, grantor.Silo);
            }
            else
            {
                grantors.Answered(grantor.Silo, asked);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (SiloUnavailableException ex)
        {
            // The cluster says the silo is not a member: it never will be again (a restarted silo has a new address).
            if (grantors.Forget(grantor))
            {
                LogForgotten(logger, grantor.Silo, ex.Message);
            }
        }
        catch (Exception ex)
        {
            if (clock.GetElapsedTime(grantor.AnsweredAt) > Forgotten && grantors.Forget(grantor))
            {
                LogForgotten(logger, grantor.Silo, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silo} could not tell this gateway of a change: every entry it granted is dropped")]
    private static partial void LogReset(ILogger logger, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} no longer vouches for its leases; forgotten: {Reason}")]
    private static partial void LogForgotten(ILogger logger, SiloAddress silo, string reason);
}
