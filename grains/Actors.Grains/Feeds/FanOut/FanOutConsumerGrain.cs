using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Events;
using Actors.Grains.Abstractions.Feeds;
using Actors.Grains.Abstractions.Users;
using Actors.Grains.Data;
using Actors.Grains.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Feeds.FanOut;

/// <summary>
/// Carries new and deleted posts to followers' timelines, from the outbox. Up to
/// <see cref="FeedOptions.FanOutLimit"/> followers an author's post goes to every follower's timeline
/// (one query for the follower ids, shared with the silo's other fan-outs, then one call each; a timeline that is not in memory ignores it);
/// above, it goes only to the author's <see cref="IAuthorPostsGrain"/>, which timelines merge in when
/// read. Idempotent: timelines and author lists hold a post once, however often it is offered.
/// </summary>
[ImplicitStreamSubscription(EventRoutes.FanOut)]
public sealed class FanOutConsumerGrain(
    FollowerLookup followers, GrainHandles<ITimelineGrain> timelines, IOptions<FeedOptions> options, OutboxStore store, GrainMetrics metrics, TimeProvider clock,
    ILogger<FanOutConsumerGrain> logger)
    : EventConsumer(store, metrics, clock, logger), IEventConsumerGrain
{
    private readonly int _limit = options.Value.FanOutLimit;

    protected override string Name => EventRoutes.FanOut;

    protected override Task ApplyAsync(IDomainEvent e) => e switch
    {
        PostCreated created => Created(new TimelineEntry(created.PostId, created.AuthorId, created.OccurredAt)),
        PostDeleted deleted => Deleted(deleted.PostId, deleted.AuthorId),
        _ => Task.CompletedTask,
    };

    private async Task Created(TimelineEntry entry)
    {
        if (await IsMerged(entry.AuthorId))
        {
            await GrainFactory.GetGrain<IAuthorPostsGrain>(entry.AuthorId).Add(entry);
            return;
        }

        var followers = await Followers(entry.AuthorId);
        await Task.WhenAll(followers.Select(f => timelines.Get(f).Offer(entry).AsTask()));
    }

    private async Task Deleted(Guid postId, Guid authorId)
    {
        // Both, whatever the author's size now: the count may have crossed the limit since.
        await GrainFactory.GetGrain<IAuthorPostsGrain>(authorId).Remove(postId);
        if (!await IsMerged(authorId))
        {
            var followers = await Followers(authorId);
            await Task.WhenAll(followers.Select(f => timelines.Get(f).Withdraw(postId).AsTask()));
        }
    }

    private async Task<bool> IsMerged(Guid authorId) =>
        await GrainFactory.GetGrain<IUserGrain>(authorId).GetProfile() is { } author
        && author.Counters.Followers >= _limit;

    private Task<Guid[]> Followers(Guid authorId) => followers.OfAsync(authorId);
}
