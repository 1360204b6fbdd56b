using System.Collections.Concurrent;

namespace Actors.Grains.Copies;

/// <summary>
/// A silo's short-lived copies of values that feed and trending pages show, shared by every page
/// assembled on the silo: popular posts and authors appear on many pages, and a copy saves a grain call
/// (often a remote one) per item per page. A copy is used for at most its time to live, counted from when
/// it was read from its grain; reusing it never renews it.
/// </summary>
/// <remarks>
/// A copy read before a change must not be kept after the change was announced. Callers take
/// <see cref="Generation"/> before asking the grains and pass it to <see cref="Keep"/>; <see cref="Forget"/>
/// moves the generation on before it drops the copy, and <see cref="Keep"/> drops what it has just stored
/// when the generation moved meanwhile. Either the forget removes the copy or the keep does.
/// </remarks>
public abstract class CopyCache<T>(TimeSpan ttl, int capacity, TimeProvider clock)
    where T : class
{
    private readonly long _ttlTicks = ttl.Ticks;
    private readonly ConcurrentDictionary<Guid, Copy> _copies = new();
    private long _generation;

    /// <summary>Changes whenever a copy is forgotten; see <see cref="Keep"/>.</summary>
    public long Generation => Volatile.Read(ref _generation);

    public bool TryGet(Guid id, out T value)
    {
        if (_ttlTicks > 0 && _copies.TryGetValue(id, out var copy) && copy.Until > clock.GetUtcNow().UtcTicks)
        {
            value = copy.Value;
            return true;
        }

        value = null!;
        return false;
    }

    /// <param name="generation">What <see cref="Generation"/> was before the value was asked for.</param>
    public void Keep(Guid id, T value, long generation)
    {
        if (_ttlTicks <= 0 || Generation != generation)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcTicks;
        if (_copies.Count >= capacity)
        {
            // Rare: drop what expired; if that is not enough, start over rather than track recency.
            foreach (var (key, old) in _copies)
            {
                if (old.Until <= now)
                {
                    _copies.TryRemove(key, out _);
                }
            }

            if (_copies.Count >= capacity)
            {
                _copies.Clear();
            }
        }

        var copy = new Copy(value, now + _ttlTicks);
        _copies[id] = copy;
        if (Generation != generation)
        {
            _copies.TryRemove(new KeyValuePair<Guid, Copy>(id, copy));
        }
    }

    public void Forget(Guid id)
    {
        Interlocked.Increment(ref _generation);
        _copies.TryRemove(id, out _);
    }

    private sealed record Copy(T Value, long Until);
}
