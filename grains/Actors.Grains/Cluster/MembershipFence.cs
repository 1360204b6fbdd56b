using Actors.Grains.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Cluster;

/// <summary>
/// Keeps a silo from serving or acknowledging anything once the cluster may have declared it dead. The
/// silo reads the membership table every <see cref="FenceOptions.RefreshPeriod"/>; a read that started
/// at t and shows this silo a member lets it serve until t + <see cref="FenceOptions.Window"/>. A call
/// arriving later (the silo was paused: SIGSTOP, a long GC, a frozen VM) waits for a read that started
/// after it arrived, and a silo that finds itself dead refuses it with <see cref="SiloFencedException"/>;
/// Orleans then stops the process. A read that fails or takes longer than the store timeout proves
/// nothing either way: the call is served on the last view. Since the window is shorter than the
/// fastest death declaration, a silo that answers a call at time t was a member at t, unless the
/// membership store could not tell it otherwise.
/// </summary>
public sealed partial class MembershipFence(
    IClusterMembershipService membership, ILocalSiloDetails silo, IOptions<FenceOptions> options, TimeProvider clock,
    ILogger<MembershipFence> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly FenceOptions _options = options.Value;
    private readonly long _windowTicks = (long)(options.Value.Window.TotalSeconds * clock.TimestampFrequency);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _confirmedUntil;
    private long _lastReadStarted;
    private volatile bool _dead;
    private volatile bool _storeAway;
    private int _failures;
    private Task? _refresh;

    /// <summary>Whether this silo may serve now: confirmed a member recently, or the membership store is away.</summary>
    public bool IsCurrent => !_dead && (_storeAway || clock.GetTimestamp() < Volatile.Read(ref _confirmedUntil));

    /// <summary>
    /// Returns when this silo may serve; throws <see cref="SiloFencedException"/> when a fresh read of the
    /// membership table does not show it a member.
    /// </summary>
    /// <param name="afterCommit">The caller has committed a write it has not acknowledged yet.</param>
    public async ValueTask ConfirmAsync(bool afterCommit)
    {
        if (IsCurrent)
        {
            return;
        }

        // Wait for a read that started after this call arrived (one already in flight may hold what the
        // table said before a freeze), for at most the store timeout. Refuse only on proof: a fresh read
        // showing this silo dead. A read that fails or does not come confirms nothing and refutes nothing:
        // the silo then serves on its last view, as when the store is away.
        var arrived = clock.GetTimestamp();
        var deadline = arrived + (long)(_options.StoreTimeout.TotalSeconds * clock.TimestampFrequency);
        while (!_dead && Volatile.Read(ref _lastReadStarted) < arrived)
        {
            var left = deadline - clock.GetTimestamp();
            if (left <= 0)
            {
                break;
            }

            try
            {
                await RefreshAsync().WaitAsync(TimeSpan.FromSeconds(left / (double)clock.TimestampFrequency), clock);
            }
            catch (TimeoutException)
            {
                break;
            }
        }

        if (_dead)
        {
            throw new SiloFencedException($"Silo {silo.SiloAddress} is no longer a member of the cluster.") { OutcomeUnknown = afterCommit };
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MembershipFence), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose() => _stopping.Dispose();

    private Task StartAsync(CancellationToken cancellationToken)
    {
        // Reaching this stage means the silo has just been written Active into the table: a member now.
        Volatile.Write(ref _confirmedUntil, clock.GetTimestamp() + _windowTicks);
        _ = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync().WaitAsync(_options.StoreTimeout, clock, stopping);
                await Task.Delay(_options.RefreshPeriod, clock, stopping);
            }
            catch (TimeoutException ex)
            {
                Failed(ex);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // One read at a time, shared by every caller that needs it.
    private Task RefreshAsync()
    {
        lock (_gate)
        {
            return _refresh is { IsCompleted: false } running ? running : _refresh = ReadTableAsync();
        }
    }

    private async Task ReadTableAsync()
    {
        var started = clock.GetTimestamp();
        try
        {
            await membership.Refresh();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failed(ex);
            // The read may have failed because it found this silo dead (Orleans then stops the process).
            if (membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) == SiloStatus.Dead)
            {
                _dead = true;
            }

            Volatile.Write(ref _lastReadStarted, started);
            return;
        }

        Volatile.Write(ref _failures, 0);
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        if (status is SiloStatus.Active or SiloStatus.ShuttingDown or SiloStatus.Stopping)
        {
            Volatile.Write(ref _confirmedUntil, started + _windowTicks);
            if (_storeAway)
            {
                _storeAway = false;
                LogStoreBack(logger);
            }
        }
        else if (status == SiloStatus.Dead)
        {
            _dead = true;
            LogDead(logger, silo.SiloAddress);
        }

        Volatile.Write(ref _lastReadStarted, started);

        // Any other status (the view not yet holding this silo) confirms nothing and revokes nothing.
    }

    // Only a store that cannot be reached (twice in a row, so not a blip) lets the silo serve on its last
    // view: then nobody can declare it dead either. Any other failure (the membership service stopping,
    // say, in a silo that just found itself dead) confirms nothing.
    private void Failed(Exception exception)
    {
        if (Unreachable(exception) && Interlocked.Increment(ref _failures) >= 2)
        {
            StoreAway(exception);
        }
    }

    // The membership store did not answer: a timeout, a socket error, or the Redis client's own failure.
    private static bool Unreachable(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is TimeoutException or System.Net.Sockets.SocketException
                || ex.GetType().Namespace?.StartsWith("StackExchange.Redis", StringComparison.Ordinal) == true)
            {
                return true;
            }
        }

        return false;
    }

    private void StoreAway(Exception reason)
    {
        if (!_storeAway)
        {
            _storeAway = true;
            LogStoreAway(logger, reason.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Silo {Silo} is dead in the membership table: it serves and acknowledges nothing more")]
    private static partial void LogDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The membership table cannot be read; serving on the last known view: {Reason}")]
    private static partial void LogStoreAway(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The membership table can be read again")]
    private static partial void LogStoreBack(ILogger logger);
}
