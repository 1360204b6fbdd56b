namespace Actors.Gateway.Caching;

/// <summary>
/// This gateway's reads of one kind of entity that is not admitted, sent to the silos' cold readers
/// in batches: the reads that arrive while <see cref="Lanes"/> calls are in flight go together in the
/// next call, so under load one grain call carries many ids, and a lone read is sent at once. Each
/// read gets its own row, or the call's failure.
/// </summary>
/// <typeparam name="T">The entity.</typeparam>
internal sealed class ColdReads<T>(Func<Guid[], Task<T?[]>> read)
    where T : class
{
    /// <summary>Calls in flight at once: a few, so that each silo has work while another answers.</summary>
    public const int Lanes = 4;

    /// <summary>Most ids in one call.</summary>
    public const int BatchLimit = 256;

    private readonly Lock _lock = new();
    private List<Waiting> _pending = [];
    private int _inFlight;

    public Task<T?> ReadAsync(Guid id)
    {
        var waiting = new Waiting(id, new TaskCompletionSource<T?>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool send;
        lock (_lock)
        {
            _pending.Add(waiting);
            send = _inFlight < Lanes;
            if (send)
            {
                _inFlight++;
            }
        }

        if (send)
        {
            // A lane serves many requests: it carries none's context (trace, failover marks) into its calls.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(SendAsync);
            }
        }

        return waiting.Answer.Task;
    }

    // One lane: sends what is pending until nothing is.
    private async Task SendAsync()
    {
        while (true)
        {
            List<Waiting> batch;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _inFlight--;
                    return;
                }

                if (_pending.Count <= BatchLimit)
                {
                    batch = _pending;
                    _pending = [];
                }
                else
                {
                    batch = _pending[..BatchLimit];
                    _pending.RemoveRange(0, BatchLimit);
                }
            }

            try
            {
                var rows = await read([.. batch.Select(w => w.Id)]).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Answer.TrySetResult(rows[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var waiting in batch)
                {
                    waiting.Answer.TrySetException(ex);
                }
            }
        }
    }

    private sealed record Waiting(Guid Id, TaskCompletionSource<T?> Answer);
}
