using Actors.Grains.Abstractions.Leases;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Orleans.Concurrency;

namespace Actors.Grains.ColdReads;

/// <inheritdoc cref="IColdReaderGrain"/>
/// <remarks>Placed on the silo that takes the call, never registered in the directory; its calls interleave.</remarks>
[StatelessWorker(1), Reentrant]
public sealed class ColdReaderGrain(ColdRows rows) : Grain, IColdReaderGrain
{
    public ValueTask<UserProfile?[]> ReadProfiles(Guid[] ids) => new(rows.ProfilesAsync(ids));

    public ValueTask<Post?[]> ReadPosts(Guid[] ids) => new(rows.PostsAsync(ids));
}
