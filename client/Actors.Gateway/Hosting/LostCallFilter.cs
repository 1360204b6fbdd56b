namespace Actors.Gateway.Hosting;

/// <summary>
/// A grain call made for a request that may safely run again (<see cref="Api.Failover"/>) stops waiting
/// when a gateway connection is lost meanwhile: it may have travelled on that connection, and then no
/// answer will come before the call timeout. It fails with <see cref="GatewayLostException"/>, and the
/// request runs again through the connections that are left. A call that was not on the lost connection
/// is answered anyway and its answer dropped, which a request safe to repeat allows.
/// </summary>
internal sealed class LostCallFilter(GatewayConnections connections) : IOutgoingGrainCallFilter
{
    private static readonly AsyncLocal<bool> Repeatable = new();

    /// <summary>Marks the calls that follow, in this async flow, as made for a request that may run again.</summary>
    public static void MarkRepeatable() => Repeatable.Value = true;

    public Task Invoke(IOutgoingGrainCallContext context) => Repeatable.Value ? RaceAsync(context) : context.Invoke();

    private async Task RaceAsync(IOutgoingGrainCallContext context)
    {
        var (id, lost) = connections.Waiting();
        try
        {
            var call = context.Invoke();
            if (!call.IsCompleted && await Task.WhenAny(call, lost).ConfigureAwait(false) != call)
            {
                // Observed, so a late failure of the abandoned call is not an unobserved task exception.
                _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw new GatewayLostException($"A gateway connection was lost while {context.InterfaceMethod?.Name} waited for its answer.");
            }

            await call.ConfigureAwait(false);
        }
        finally
        {
            connections.Done(id);
        }
    }
}
