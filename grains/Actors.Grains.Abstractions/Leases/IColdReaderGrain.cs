using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Orleans.Concurrency;

namespace Actors.Grains.Abstractions.Leases;

/// <summary>
/// Reads of entities not admitted to memory: the committed rows, read from PostgreSQL with one
/// <c>= ANY($1)</c> query by the silo that takes the call, with no activation of the entities' grains and
/// no lease. A write is committed before it is acknowledged, so a row is never older than an acknowledged
/// write; the caller keeps nothing of it. A stateless worker on every silo, under <see cref="Partitions"/>
/// keys, so that calls spread over the silos a client talks to.
/// </summary>
[Alias("actors.IColdReaderGrain")]
public interface IColdReaderGrain : IGrainWithIntegerKey
{
    /// <summary>How many keys callers spread their calls over (a client routes by key).</summary>
    public const int Partitions = 32;

    /// <summary>The profiles as committed, in the order of <paramref name="ids"/>; null where there is no such user.</summary>
    [ReadOnly]
    ValueTask<UserProfile?[]> ReadProfiles(Guid[] ids);

    /// <summary>The posts as committed, in the order of <paramref name="ids"/>; null where there is no such post.</summary>
    [ReadOnly]
    ValueTask<Post?[]> ReadPosts(Guid[] ids);
}
