using System.Collections.Concurrent;

namespace Actors.Gateway.Hosting;

/// <summary>
/// Tells when this gateway lost a connection to a silo's gateway endpoint: the silo died, or the cluster
/// declared it dead and the gateway list dropped it. Orleans does not fail the calls still waiting on
/// such a connection (they run into the call timeout); <see cref="LostCallFilter"/> registers the calls
/// it may stop waiting on, and a loss releases every one registered.
/// </summary>
internal sealed partial class GatewayConnections(ILogger<GatewayConnections> logger) : IClusterConnectionStatusObserver
{
    // One entry per call in flight; striped, so calls on many threads do not contend.
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiting = new();
    private long _next;

    /// <summary>Registers a call: the task completes if a connection is lost before <see cref="Done"/>.</summary>
    public (long Id, Task Lost) Waiting()
    {
        var id = Interlocked.Increment(ref _next);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = lost;
        return (id, lost.Task);
    }

    public void Done(long id) => _waiting.TryRemove(id, out _);

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            LogLost(logger, previousNumberOfGateways, currentNumberOfGateways);
            Lost();
        }
    }

    public void NotifyClusterConnectionLost()
    {
        LogLost(logger, 1, 0);
        Lost();
    }

    private void Lost()
    {
        foreach (var waiting in _waiting.Values)
        {
            waiting.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connected to {Now} silo gateways, from {Before}: calls that may wait on a lost connection run again")]
    private static partial void LogLost(ILogger logger, int before, int now);
}
