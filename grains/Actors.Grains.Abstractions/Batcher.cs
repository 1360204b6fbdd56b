namespace Actors.Grains.Abstractions;

/// <summary>
/// Runs one call (a statement, a grain call) for many callers. Callers that arrive while the calls in
/// flight are busy, or within the linger after the first of them, go together into the next call (up to
/// a batch limit), so under load one round trip serves many items. Each caller gets its own item's
/// answer, or the call's exception. Used on both sides: silos batch statements and drops, gateways their
/// reads without activation.
/// </summary>
/// <typeparam name="TIn">One caller's item.</typeparam>
/// <typeparam name="TOut">That item's answer.</typeparam>
public sealed class Batcher<TIn, TOut>
{
    private readonly Func<IReadOnlyList<TIn>, Task<IReadOnlyList<TOut>>> _run;
    private readonly TimeSpan _linger;
    private readonly int _limit;
    private readonly int _lanes;
    private readonly Lock _lock = new();
    private List<Waiting> _pending = [];
    private int _draining;

    /// <param name="run">The call for a batch: one answer per item, in the items' order.</param>
    /// <param name="linger">How long the first item of a batch waits for others; zero takes only those already waiting.</param>
    /// <param name="limit">Most items in one call.</param>
    /// <param name="lanes">Calls in flight at once.</param>
    public Batcher(Func<IReadOnlyList<TIn>, Task<IReadOnlyList<TOut>>> run, TimeSpan linger, int limit, int lanes = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(linger, TimeSpan.Zero);
        _run = run;
        _linger = linger;
        _limit = limit;
        _lanes = lanes;
    }

    public Task<TOut> RunAsync(TIn item)
    {
        var waiting = new Waiting(item, new TaskCompletionSource<TOut>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_lock)
        {
            _pending.Add(waiting);
            start = _draining < _lanes;
            if (start)
            {
                _draining++;
            }
        }

        if (start)
        {
            // Off the caller's scheduler: a grain's turn must not carry other grains' calls. The lane runs
            // in the context of the caller that started it, so its calls show in that caller's trace.
            _ = Task.Run(DrainAsync);
        }

        return waiting.Answer.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            if (_linger > TimeSpan.Zero)
            {
                await Task.Delay(_linger).ConfigureAwait(false);
            }

            List<Waiting> batch;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _draining--;
                    return;
                }

                if (_pending.Count <= _limit)
                {
                    batch = _pending;
                    _pending = [];
                }
                else
                {
                    batch = _pending[.._limit];
                    _pending.RemoveRange(0, _limit);
                }
            }

            try
            {
                var answers = await _run(batch.ConvertAll(w => w.Item)).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Answer.TrySetResult(answers[i]);
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

    private sealed record Waiting(TIn Item, TaskCompletionSource<TOut> Answer);
}
