using Actors.Grains.Abstractions.Paging;
using Orleans.Concurrency;

namespace Actors.Grains.Abstractions.Feeds;

/// <summary>
/// The newest posts of one widely followed author, keyed by author id, which timelines merge in at read
/// time instead of receiving every post by fan-out. Loaded with one indexed query.
/// </summary>
[Alias("actors.IAuthorPostsGrain")]
public interface IAuthorPostsGrain : IGrainWithGuidKey
{
    /// <summary>Up to <paramref name="count"/> entries older than <paramref name="after"/> (all when null), newest first.</summary>
    [ReadOnly]
    ValueTask<IReadOnlyList<TimelineEntry>> GetRecent(PageCursor? after, int count);

    ValueTask Add(TimelineEntry entry);

    ValueTask Remove(Guid postId);
}
