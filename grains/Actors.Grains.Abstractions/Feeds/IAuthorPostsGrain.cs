using Orleans.Concurrency;

namespace Actors.Grains.Feeds;

/// <summary>
/// The newest posts of one widely followed author, keyed by author id, which timelines merge in at read
/// time instead of receiving every post by fan-out. Loaded with one indexed query.
/// </summary>
public interface IAuthorPostsGrain : IGrainWithGuidKey
{
    /// <summary>The newest entries, newest first.</summary>
    [ReadOnly]
    ValueTask<IReadOnlyList<TimelineEntry>> GetRecent();

    ValueTask Add(TimelineEntry entry);

    ValueTask Remove(Guid postId);
}
