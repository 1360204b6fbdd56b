using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Leases;
using BitFaster.Caching;
using BitFaster.Caching.Lru;

namespace Actors.Gateway.Caching;

/// <summary>
/// Values of one kind leased from their grains, bounded (least recently used go first). An entry is
/// served until its lease runs out, counted from before the lease was asked for, so it never outlives
/// the grain's record of it, and only while the silo that granted it is vouched for (<see cref="Grantors"/>),
/// so it never outlives that silo's membership of the cluster; then the next read asks again. A key not
/// held and not admitted (<see cref="Admission"/>) is read without a lease, and nothing of it is kept.
/// </summary>
/// <remarks>
/// No resurrection: a fill read before a drop must not be installed after it. A fill takes its stripe's
/// generation before asking the grain and removes what it stored when the generation moved meanwhile;
/// <see cref="Drop"/> moves the generation on before it removes the entry. Either the drop removes the
/// fill or the fill removes itself. A grantor's reset (<see cref="Grantors.Reset"/>) is checked the same way.
/// </remarks>
internal sealed class LeasedEntries<T>
    where T : class
{
    private const int Stripes = 1024;

    private readonly ICache<Guid, Entry> _entries;
    private readonly long[] _generations = new long[Stripes];
    private readonly TimeProvider _clock;
    private readonly NearCacheMetrics _metrics;
    private readonly Grantors _grantors;
    private readonly LeaseKind _kind;
    private readonly Admission? _admission;

    /// <param name="admission">Which misses are leased; null: all of them.</param>
    public LeasedEntries(LeaseKind kind, int capacity, TimeProvider clock, NearCacheMetrics metrics, Grantors grantors, Admission? admission = null)
    {
        _kind = kind;
        _admission = admission;
        _grantors = grantors;
        _clock = clock;
        _metrics = metrics;
        _entries = new ConcurrentLruBuilder<Guid, Entry>().WithCapacity(capacity).WithMetrics().Build();
        metrics.Observe(kind, () => _entries.Count, () => _entries.Metrics.Value?.Evicted ?? 0);
    }

    /// <param name="lease">Asks the grain for the value and a lease.</param>
    /// <param name="read">Reads the committed value with no activation, for a key not admitted.</param>
    public ValueTask<T?> GetAsync<TState>(
        Guid id, TState state, Func<TState, Guid, ValueTask<Leased<T>>> lease, Func<TState, Guid, ValueTask<T?>> read)
    {
        var now = _clock.GetTimestamp();
        if (_entries.TryGet(id, out var entry))
        {
            if (entry.Until > now && entry.Grantor.VouchesAt(now))
            {
                _metrics.Lookup(_kind, NearCacheMetrics.Hit);
                return ValueTask.FromResult<T?>(entry.Value);
            }

            _metrics.Lookup(_kind, NearCacheMetrics.Renewal);
        }
        else if (_admission is null || _admission.Admit(id))
        {
            _metrics.Lookup(_kind, NearCacheMetrics.Miss);
        }
        else
        {
            _metrics.Lookup(_kind, NearCacheMetrics.Cold);
            return ReadAsync(id, now, state, lease, read);
        }

        return FillAsync(id, now, state, lease);
    }

    /// <summary>Told by the grain: the value changed. No read that starts after this returns sees the old one.</summary>
    public void Drop(Guid id)
    {
        Interlocked.Increment(ref _generations[Stripe(id)]);
        _entries.TryRemove(id);
        _metrics.Invalidated(_kind);
    }

    // While PostgreSQL is away, a grain that holds the row in memory still answers: the read asks it instead.
    private async ValueTask<T?> ReadAsync<TState>(
        Guid id, long asked, TState state, Func<TState, Guid, ValueTask<Leased<T>>> lease, Func<TState, Guid, ValueTask<T?>> read)
    {
        try
        {
            return await read(state, id).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            return await FillAsync(id, asked, state, lease).ConfigureAwait(false);
        }
    }

    private async ValueTask<T?> FillAsync<TState>(Guid id, long asked, TState state, Func<TState, Guid, ValueTask<Leased<T>>> lease)
    {
        var stripe = Stripe(id);
        var before = Volatile.Read(ref _generations[stripe]);
        var epoch = _grantors.Epoch;
        var leased = await lease(state, id).ConfigureAwait(false);
        if (leased.Value is null || leased.Lease <= TimeSpan.Zero || leased.Grantor is null || _grantors.Epoch != epoch)
        {
            _entries.TryRemove(id);
            return leased.Value;
        }

        var grantor = _grantors.Answered(leased.Grantor, asked)!;
        var fresh = new Entry(leased.Value, asked + (long)(leased.Lease.TotalSeconds * _clock.TimestampFrequency), grantor);
        _entries.AddOrUpdate(id, fresh);
        if (Volatile.Read(ref _generations[stripe]) != before || _grantors.Epoch != epoch)
        {
            _entries.TryRemove(new KeyValuePair<Guid, Entry>(id, fresh));
        }

        return leased.Value;
    }

    private static int Stripe(Guid id) => (id.GetHashCode() & int.MaxValue) % Stripes;

    // A class, not a record: a fill removes exactly the entry it stored, compared by reference.
    private sealed class Entry(T value, long until, Grantor grantor)
    {
        public T Value { get; } = value;

        public long Until { get; } = until;

        public Grantor Grantor { get; } = grantor;
    }
}
