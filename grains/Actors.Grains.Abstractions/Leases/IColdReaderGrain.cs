using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Orleans.Concurrency;

namespace Actors.Grains.Abstractions.Leases;

/// <summary>
/// Reads of entities not admitted to memory: the committed row, read from PostgreSQL by the silo that
/// takes the call, with no activation of the entity's grain and no lease. A write is committed before it
/// is acknowledged, so the row is never older than an acknowledged write; the caller keeps nothing of it.
/// A stateless worker, one per silo for each of <see cref="Partitions"/> keys, so that calls spread over
/// the silos a client talks to.
/// </summary>
[Alias("actors.IColdReaderGrain")]
public interface IColdReaderGrain : IGrainWithIntegerKey
{
    /// <summary>How many keys callers spread their calls over (a client routes by key).</summary>
    public const int Partitions = 32;

    /// <summary>The profile as committed, or null when there is no such user.</summary>
    [ReadOnly]
    ValueTask<UserProfile?> ReadProfile(Guid id);

    /// <summary>The post as committed, or null when there is no such post.</summary>
    [ReadOnly]
    ValueTask<Post?> ReadPost(Guid id);
}
