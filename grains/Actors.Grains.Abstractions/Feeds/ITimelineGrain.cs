using Actors.Grains.Abstractions.Paging;
using Orleans.Concurrency;

namespace Actors.Grains.Abstractions.Feeds;

/// <summary>
/// One user's home timeline, keyed by user id: the newest posts of the people the user follows. Recent
/// entries live in memory; a cold timeline is rebuilt with one indexed query.
/// </summary>
[Alias("actors.ITimelineGrain")]
public interface ITimelineGrain : IGrainWithGuidKey
{
    /// <summary>A page of the feed, newest first, each post with its author.</summary>
    ValueTask<Page<FeedItem>> GetFeed(PageCursor? after, int limit);

    /// <summary>A followee published a post (fan-out). Ignored by a timeline not in memory: its rebuild sees the post.</summary>
    ValueTask Offer(TimelineEntry entry);

    /// <summary>A post was deleted: drop it.</summary>
    ValueTask Withdraw(Guid postId);

    /// <summary>
    /// The user followed or unfollowed someone: rebuild before the next read. Awaited by the follow, so
    /// the user's next feed read reflects it. Only flips a flag, so it never waits behind a feed read.
    /// </summary>
    [AlwaysInterleave]
    ValueTask FollowsChanged();
}
