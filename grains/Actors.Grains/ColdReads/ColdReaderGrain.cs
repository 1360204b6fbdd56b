using Actors.Grains.Abstractions.Leases;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Orleans.Concurrency;

namespace Actors.Grains.ColdReads;

/// <inheritdoc cref="IColdReaderGrain"/>
/// <remarks>Placed on the silo that takes the call, never registered in the directory; its calls interleave, so they batch.</remarks>
[StatelessWorker(1), Reentrant]
public sealed class ColdReaderGrain(ColdRows rows) : Grain, IColdReaderGrain
{
    public ValueTask<UserProfile?> ReadProfile(Guid id) => new(rows.ProfileAsync(id));

    public ValueTask<Post?> ReadPost(Guid id) => new(rows.PostAsync(id));
}
