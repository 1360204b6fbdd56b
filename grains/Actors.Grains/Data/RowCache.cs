using Actors.Grains.Abstractions;
namespace Actors.Grains.Data;

/// <summary>
/// One row held in grain memory. Loaded with one query on first use, then served from memory. After a
/// write whose outcome is unknown the row is only suspect: the next read reloads it, and while the
/// database cannot be reached the last known row is still served (stale-if-error), retrying the
/// reload at most once per <see cref="RetryInterval"/>. Not thread-safe: grains run one turn at a time.
/// </summary>
internal sealed class RowCache<T>(TimeProvider clock)
    where T : class
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private T? _value;
    private bool _loaded;
    private bool _suspect;
    private bool _touched;
    private DateTimeOffset _retryAt;
    private Task<T?>? _loading;

    /// <summary>The hot path: true when memory holds the row (or knows there is none) and is trusted.</summary>
    public bool TryGet(out T? value)
    {
        value = _value;
        return _loaded && !_suspect;
    }

    public async ValueTask<T?> GetAsync(Func<Task<T?>> load)
    {
        if (TryGet(out var value))
        {
            return value;
        }

        if (_loaded && clock.GetUtcNow() < _retryAt)
        {
            return _value;
        }

        // Read-only calls interleave, so concurrent reads share one load.
        _touched = true;
        var loading = _loading ??= load();
        try
        {
            var row = await loading;
            if (ReferenceEquals(_loading, loading))
            {
                Set(row);
            }

            return _value;
        }
        catch (StoreUnavailableException) when (_loaded)
        {
            _retryAt = clock.GetUtcNow() + RetryInterval;
            return _value;
        }
        finally
        {
            if (ReferenceEquals(_loading, loading))
            {
                _loading = null;
            }
        }
    }

    /// <summary>
    /// Takes a row someone else just read in a batch, but only into a cache that has never loaded, been
    /// written or been doubted: anything this activation did could be newer than that read.
    /// </summary>
    public bool Prime(T value)
    {
        if (_touched)
        {
            return false;
        }

        Set(value);
        return true;
    }

    /// <summary>After a committed write: memory now equals the row (null: there is no row).</summary>
    public void Set(T? value)
    {
        _touched = true;
        _value = value;
        _loaded = true;
        _suspect = false;
        _loading = null;
    }

    /// <summary>Memory is wrong: load on next use, serving nothing meanwhile.</summary>
    public void Forget()
    {
        _touched = true;
        _value = null;
        _loaded = false;
        _suspect = false;
        _loading = null;
    }

    /// <summary>Memory may be wrong (a write's outcome is unknown): reload on next use, serve it if that fails.</summary>
    public void Suspect()
    {
        _touched = true;
        _suspect = _loaded;
        _retryAt = default;
    }
}
