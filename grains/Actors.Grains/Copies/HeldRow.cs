using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Leases;
using Actors.Grains.Data;

namespace Actors.Grains.Copies;

/// <summary>
/// The row a user or post grain holds, and the gateways that hold it under leases: the read side both
/// grains share. Reads are counted as served from memory or from the database; a lease is granted only on
/// a row memory trusts; an id with no row keeps no activation (<paramref name="whenMissing"/>). Writes
/// change the row with <see cref="Set"/>, <see cref="Forget"/> or <see cref="Suspect"/> and hand
/// <see cref="Holders"/> to the write path, which revokes the leases before the reply. Grain turns call
/// it one at a time, so it needs no lock.
/// </summary>
internal sealed class HeldRow<T>(
    TimeProvider clock, Leasing leases, GrainMetrics metrics, LeaseKind kind, Guid id, Func<Task<T?>> load, Action whenMissing)
    where T : class
{
    private readonly RowCache<T> _row = new(clock);
    private readonly string _metric = kind == LeaseKind.User ? "user" : "post";
    private Holders? _holders;

    public Holders Holders => _holders ??= leases.For(kind, id);

    /// <inheritdoc cref="RowCache{T}.TryGet"/>
    public bool TryGet(out T? value) => _row.TryGet(out value);

    /// <summary>A caller's read: the row from memory, or loaded.</summary>
    public ValueTask<T?> ReadAsync()
    {
        metrics.Read(_metric, _row.TryGet(out _));
        return CurrentAsync();
    }

    /// <summary>A gateway's read: the row, and a lease on it when memory trusts it.</summary>
    public async ValueTask<Leased<T>> LeaseAsync(INearCache holder)
    {
        metrics.Read(_metric, _row.TryGet(out _));
        var value = await CurrentAsync();
        return Holders.Lease(value, _row.TryGet(out _), holder);
    }

    /// <summary>What memory holds, seen through <paramref name="view"/>, without going to the database.</summary>
    public Cached<TView> Peek<TView>(Func<T, TView> view)
        where TView : class
    {
        var held = _row.TryGet(out var value);
        metrics.Read(_metric, held);
        return new Cached<TView>(held, value is null ? null : view(value));
    }

    /// <summary>The row for the grain's own use (writes): not counted as a read.</summary>
    public ValueTask<T?> CurrentAsync() =>
        _row.TryGet(out var value) ? ValueTask.FromResult(value) : LoadAsync();

    /// <inheritdoc cref="RowCache{T}.Prime"/>
    public void Prime(T value) => _row.Prime(value);

    /// <inheritdoc cref="RowCache{T}.Set"/>
    public void Set(T? value) => _row.Set(value);

    /// <inheritdoc cref="RowCache{T}.Forget"/>
    public void Forget() => _row.Forget();

    /// <inheritdoc cref="RowCache{T}.Suspect"/>
    public void Suspect() => _row.Suspect();

    /// <summary>
    /// Before the activation goes: a later one (here or on another silo) does not know these holders, so
    /// they drop their entries now.
    /// </summary>
    public Task RevokeAsync() => _holders?.RevokeAsync() ?? Task.CompletedTask;

    private async ValueTask<T?> LoadAsync()
    {
        var value = await _row.GetAsync(load);
        if (value is null)
        {
            whenMissing();
        }

        return value;
    }
}
