using Actors.Grains.Data;
using Actors.Grains.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Actors.Grains.Feeds;

/// <summary>
/// Pushes new posts into followers' timelines and takes deleted ones out, in the background of the
/// write that published them. Up to <see cref="FeedOptions.FanOutLimit"/> followers an author's post
/// goes to every follower's timeline (one query for the follower ids, then one call each; a timeline
/// that is not in memory ignores it); above, it goes only to the author's <see cref="IAuthorPostsGrain"/>.
/// </summary>
[StatelessWorker]
public sealed partial class FanOutGrain(Database database, IOptions<FeedOptions> options, ILogger<FanOutGrain> logger)
    : Grain, IFanOutGrain
{
    private readonly int _limit = options.Value.FanOutLimit;

    public async Task PostCreated(TimelineEntry entry)
    {
        try
        {
            if (await IsMerged(entry.AuthorId).ConfigureAwait(true))
            {
                await GrainFactory.GetGrain<IAuthorPostsGrain>(entry.AuthorId).Add(entry).ConfigureAwait(true);
                return;
            }

            var followers = await Followers(entry.AuthorId).ConfigureAwait(true);
            await Task.WhenAll(followers.Select(f => GrainFactory.GetGrain<ITimelineGrain>(f).Offer(entry).AsTask())).ConfigureAwait(true);
        }
        catch (Exception ex) when (ex is StoreUnavailableException or OrleansException or TimeoutException)
        {
            LogFanOutFailed(logger, entry.PostId, ex);
        }
    }

    public async Task PostDeleted(TimelineEntry entry)
    {
        try
        {
            // Both, whatever the author's size now: the count may have crossed the limit since.
            await GrainFactory.GetGrain<IAuthorPostsGrain>(entry.AuthorId).Remove(entry.PostId).ConfigureAwait(true);
            if (!await IsMerged(entry.AuthorId).ConfigureAwait(true))
            {
                var followers = await Followers(entry.AuthorId).ConfigureAwait(true);
                await Task.WhenAll(followers.Select(f => GrainFactory.GetGrain<ITimelineGrain>(f).Withdraw(entry.PostId).AsTask())).ConfigureAwait(true);
            }
        }
        catch (Exception ex) when (ex is StoreUnavailableException or OrleansException or TimeoutException)
        {
            LogFanOutFailed(logger, entry.PostId, ex);
        }
    }

    private async Task<bool> IsMerged(Guid authorId) =>
        await GrainFactory.GetGrain<IUserGrain>(authorId).GetProfile().ConfigureAwait(true) is { } author
        && author.Counters.Followers >= _limit;

    private Task<List<Guid>> Followers(Guid authorId) =>
        database.ReadAsync("fan-out.followers", (connection, ct) =>
            Sql.ReadAllAsync(Sql.Command(connection, FeedRows.Followers, Sql.Value(authorId)), r => r.GetGuid(0), ct));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fan-out of post {PostId} failed; timelines catch up when rebuilt")]
    private static partial void LogFanOutFailed(ILogger logger, Guid postId, Exception exception);
}
