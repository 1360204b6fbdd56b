using Actors.Grains.Abstractions;

namespace Actors.Gateway.Caching;

/// <summary>
/// This gateway's reads of one kind of entity that is not admitted, sent to the silos' cold readers
/// in batches (<see cref="Batcher{TIn,TOut}"/>): the reads that arrive while <see cref="Lanes"/> calls
/// are in flight go together in the next call, so under load one grain call carries many ids, and a
/// lone read is sent at once. Each read gets its own row, or the call's failure.
/// </summary>
/// <typeparam name="T">The entity.</typeparam>
internal sealed class ColdReads<T>(Func<Guid[], Task<T?[]>> read)
    where T : class
{
    /// <summary>Calls in flight at once: a few, so that each silo has work while another answers.</summary>
    public const int Lanes = 4;

    /// <summary>Most ids in one call.</summary>
    public const int BatchLimit = 256;

    private readonly Batcher<Guid, T?> _reads = new(async ids => await read([.. ids]).ConfigureAwait(false), TimeSpan.Zero, BatchLimit, Lanes);

    public Task<T?> ReadAsync(Guid id) => _reads.RunAsync(id);
}
