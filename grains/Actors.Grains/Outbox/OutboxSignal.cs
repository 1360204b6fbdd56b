namespace Actors.Grains.Outbox;

/// <summary>
/// Wakes this silo's relay right after a grain committed an outbox event, so background work starts
/// within a round trip instead of at the next poll. Losing a nudge costs at most one poll interval.
/// </summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _nudged = new(0, 1);

    public void Nudge()
    {
        try
        {
            if (_nudged.CurrentCount == 0)
            {
                _nudged.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already nudged: one wake-up covers every event committed before it.
        }
    }

    /// <summary>Waits for a nudge or the timeout, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _nudged.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _nudged.Dispose();
}
