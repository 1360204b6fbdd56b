using Actors.Grains.Abstractions.Leases;
using Orleans.Concurrency;

namespace Actors.Grains.Abstractions.Posts;

/// <summary>
/// One post, keyed by post id, held in memory and written through to PostgreSQL. Created by its author's
/// grain (<see cref="Users.IUserGrain.CreatePost"/>); loaded on its first read.
/// </summary>
[Alias("actors.IPostGrain")]
public interface IPostGrain : IGrainWithGuidKey
{
    /// <summary>The post, or null when it does not exist (or was deleted). Served from memory once active.</summary>
    [ReadOnly]
    ValueTask<Post?> GetPost();

    /// <summary>
    /// The post, and a lease: until it runs out, <paramref name="holder"/> hears of any change (a like, the
    /// deletion) before the change is acknowledged.
    /// </summary>
    [ReadOnly]
    ValueTask<Leased<Post>> LeasePost(INearCache holder);

    /// <summary>The post if memory holds it; never queries. Pages of many posts load the misses in one batch.</summary>
    [ReadOnly]
    ValueTask<Cached<Post>> Peek();

    /// <summary>
    /// Offers the row a batch query just read. Taken only by an activation that has not loaded or written
    /// anything yet; answers what the grain now holds either way.
    /// </summary>
    ValueTask<Post?> Prime(Post row);

    /// <summary>
    /// <paramref name="userId"/> likes the post. Idempotent: one like per user and post. The like row and
    /// the post's like count change in one statement; likes of one post queue in its grain.
    /// </summary>
    ValueTask<WriteResult<Post>> AddLike(Guid userId);

    /// <summary><paramref name="userId"/> takes the like back. Idempotent.</summary>
    ValueTask<WriteResult<Post>> RemoveLike(Guid userId);

    /// <summary>Deletes the post when <paramref name="requesterId"/> is its author.</summary>
    ValueTask<WriteResult<Post>> Delete(Guid requesterId);
}
