using Microsoft.Extensions.Logging;

namespace Actors.Grains.Feeds;

/// <summary>
/// How committed writes reach timelines. The write stands whatever happens here, so a failed notice is
/// logged, never turned into an error: timelines are rebuilt from PostgreSQL after at most
/// <see cref="FeedOptions.TimelineMaxAge"/>, and deleted posts are dropped when a page is read.
/// </summary>
internal static partial class FeedNotices
{
    public static async Task FollowsChangedAsync(this IGrainFactory grains, Guid userId, ILogger logger)
    {
        try
        {
            await grains.GetGrain<ITimelineGrain>(userId).FollowsChanged().ConfigureAwait(true);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            LogTimelineNoticeFailed(logger, userId, ex);
        }
    }

    /// <summary>Hands the post to fan-out without waiting for it (a one-way call).</summary>
    public static async Task PublishedAsync(this IGrainFactory grains, TimelineEntry entry, bool deleted, ILogger logger)
    {
        try
        {
            var fanOut = grains.GetGrain<IFanOutGrain>(0);
            await (deleted ? fanOut.PostDeleted(entry) : fanOut.PostCreated(entry)).ConfigureAwait(true);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            LogFanOutFailed(logger, entry.PostId, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the timeline of user {UserId} that its follows changed")]
    private static partial void LogTimelineNoticeFailed(ILogger logger, Guid userId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand post {PostId} to fan-out")]
    private static partial void LogFanOutFailed(ILogger logger, Guid postId, Exception exception);
}
