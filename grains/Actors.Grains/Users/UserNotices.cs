using Actors.Grains.Abstractions.Users;
using Microsoft.Extensions.Logging;

namespace Actors.Grains.Users;

/// <summary>
/// How a grain tells another user's grain about a committed change to that user's row. The write is
/// committed whatever happens here, so a failed notice is logged, never turned into an error: the
/// other grain then keeps older counters until its next reload.
/// </summary>
internal static partial class UserNotices
{
    public static async Task CountersChangedAsync(this IGrainFactory grains, Guid userId, UserCounters counters, ILogger logger)
    {
        try
        {
            await grains.GetGrain<IUserGrain>(userId).CountersChanged(counters);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            LogNoticeFailed(logger, userId, ex);
        }
    }

    /// <summary>For a write whose outcome is unknown: the user's counters may or may not have moved.</summary>
    public static async Task MayHaveChangedAsync(this IGrainFactory grains, Guid userId, ILogger logger)
    {
        try
        {
            await grains.GetGrain<IUserGrain>(userId).Invalidate();
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            LogNoticeFailed(logger, userId, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not update the memory of user {UserId} after a committed write")]
    private static partial void LogNoticeFailed(ILogger logger, Guid userId, Exception exception);
}
