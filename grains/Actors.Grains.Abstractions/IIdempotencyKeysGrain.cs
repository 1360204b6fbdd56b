using Orleans.Concurrency;

namespace Actors.Grains.Abstractions;

/// <summary>What earlier requests created under their Idempotency-Keys. Stateless and replicated per silo.</summary>
[Alias("actors.IIdempotencyKeysGrain")]
public interface IIdempotencyKeysGrain : IGrainWithIntegerKey
{
    /// <summary>What an earlier request with this idempotency key created, or null.</summary>
    [ReadOnly]
    ValueTask<IdempotentRequest?> Find(string scope, string key);
}
