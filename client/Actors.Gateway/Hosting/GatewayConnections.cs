namespace Actors.Gateway.Hosting;

/// <summary>
/// Tells when this gateway lost a connection to a silo's gateway endpoint: the silo died, or the cluster
/// declared it dead and the gateway list dropped it. Orleans does not fail the calls still waiting on
/// such a connection (they run into the call timeout); <see cref="LostCallFilter"/> stops waiting on them.
/// </summary>
internal sealed partial class GatewayConnections(ILogger<GatewayConnections> logger) : IClusterConnectionStatusObserver
{
    private TaskCompletionSource _nextLoss = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the next connection is lost.</summary>
    public Task NextLoss => Volatile.Read(ref _nextLoss).Task;

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

    private void Lost() =>
        Interlocked.Exchange(ref _nextLoss, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connected to {Now} silo gateways, from {Before}: calls that may wait on a lost connection run again")]
    private static partial void LogLost(ILogger logger, int before, int now);
}
