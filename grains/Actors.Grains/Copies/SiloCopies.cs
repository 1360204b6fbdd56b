using Microsoft.Extensions.Logging;

namespace Actors.Grains.Copies;

/// <summary>
/// Tells every active silo that a post or an author changed, so that no page shows its old copy after
/// the change is acknowledged. The change is committed whatever happens here: a silo that cannot be told
/// within <see cref="NoticeTimeout"/> is logged and drops its copy when the copy's time to live runs out.
/// </summary>
public sealed partial class SiloCopies(IClusterMembershipService membership, IGrainFactory grains, ILogger<SiloCopies> logger)
{
    public static readonly TimeSpan NoticeTimeout = TimeSpan.FromSeconds(5);

    public Task ForgetPostEverywhereAsync(Guid postId) => EverySiloAsync(silo => silo.ForgetPost(postId), "post", postId);

    public Task ForgetAuthorEverywhereAsync(Guid authorId) => EverySiloAsync(silo => silo.ForgetAuthor(authorId), "author", authorId);

    private Task EverySiloAsync(Func<ISiloCopiesGrain, ValueTask> tell, string what, Guid id) =>
        Task.WhenAll(membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .Select(async member =>
            {
                try
                {
                    await tell(grains.GetGrain<ISiloCopiesGrain>(member.SiloAddress.ToParsableString())).AsTask()
                        .WaitAsync(NoticeTimeout);
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    LogNoticeFailed(logger, what, id, member.SiloAddress, ex);
                }
            }));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell silo {Silo} to forget its copy of {Kind} {Id}; it expires by itself")]
    private static partial void LogNoticeFailed(ILogger logger, string kind, Guid id, SiloAddress silo, Exception exception);
}
