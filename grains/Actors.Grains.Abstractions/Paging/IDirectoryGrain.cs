using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Orleans.Concurrency;

namespace Actors.Grains.Abstractions.Paging;

/// <summary>
/// List queries that span many entities. Stateless and replicated per silo: each page is one indexed
/// keyset query, never OFFSET.
/// </summary>
[Alias("actors.IDirectoryGrain")]
public interface IDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Users in id order (ids are time-ordered, so this is sign-up order).</summary>
    [ReadOnly]
    ValueTask<Page<UserProfile>> ListUsers(PageCursor? after, int limit);

    /// <summary>The users following <paramref name="userId"/>, in id order.</summary>
    [ReadOnly]
    ValueTask<Page<UserProfile>> ListFollowers(Guid userId, PageCursor? after, int limit);

    /// <summary>The users <paramref name="userId"/> follows, in id order.</summary>
    [ReadOnly]
    ValueTask<Page<UserProfile>> ListFollowing(Guid userId, PageCursor? after, int limit);

    /// <summary>An author's posts, newest first.</summary>
    [ReadOnly]
    ValueTask<Page<Post>> ListPostsByAuthor(Guid authorId, PageCursor? after, int limit);
}
