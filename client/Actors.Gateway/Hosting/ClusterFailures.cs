using Actors.Grains.Abstractions;

namespace Actors.Gateway.Hosting;

/// <summary>
/// What a grain call throws when the cluster, not the request, failed it: a silo died or froze, a
/// message could not be placed or delivered, no answer came in time. None of these is the request's
/// fault, so none is ever a 500.
/// </summary>
internal static class ClusterFailures
{
    /// <summary>The exception is a cluster failure (a 503, and a candidate for failover).</summary>
    public static bool Is(Exception exception, HttpContext http) => exception switch
    {
        SiloFencedException or TimeoutException or OrleansException or GatewayLostException => true,
        // Orleans cancels a message that expired before placement could complete; the caller going away
        // cancels the request itself, which is no failure of the cluster.
        OperationCanceledException => !http.RequestAborted.IsCancellationRequested,
        _ => false,
    };

    /// <summary>
    /// The call certainly did not reach its grain: refused by a silo that is no longer a member before
    /// anything ran, rejected or expired before delivery, or refused by an overloaded gateway. Repeating
    /// it is safe for any request.
    /// </summary>
    public static bool NotRun(Exception exception, HttpContext http) => exception switch
    {
        SiloFencedException fenced => !fenced.OutcomeUnknown,
        OrleansMessageRejectionException or GatewayTooBusyException => true,
        OperationCanceledException => !http.RequestAborted.IsCancellationRequested,
        _ => false,
    };
}
