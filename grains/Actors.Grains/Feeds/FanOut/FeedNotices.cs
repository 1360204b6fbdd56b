using Actors.Grains.Abstractions.Feeds;
using Microsoft.Extensions.Logging;

namespace Actors.Grains.Feeds.FanOut;

/// <summary>
/// How a committed follow or unfollow reaches the follower's timeline. The write stands whatever happens
/// here, so a failed notice is logged, never turned into an error: timelines are rebuilt from
/// PostgreSQL after at most <see cref="FeedOptions.TimelineMaxAge"/>.
/// </summary>
internal static partial class FeedNotices
{
    public static async Task FollowsChangedAsync(this IGrainFactory grains, Guid userId, ILogger logger)
    {
        try
        {
            await grains.GetGrain<ITimelineGrain>(userId).FollowsChanged();
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            LogTimelineNoticeFailed(logger, userId, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the timeline of user {UserId} that its follows changed")]
    private static partial void LogTimelineNoticeFailed(ILogger logger, Guid userId, Exception exception);
}
