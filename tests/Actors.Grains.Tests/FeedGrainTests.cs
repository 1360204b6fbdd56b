using Actors.Grains.Abstractions.Feeds;
using Actors.Grains.Abstractions.Paging;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Actors.Grains.Feeds.FanOut;
using Actors.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Placement;

namespace Actors.Grains.Tests;

[Collection(SharedCluster.Name)]
public sealed class FeedGrainTests(ClusterFixture fixture)
{
    private readonly Dictionary<Guid, DateTimeOffset> _created = [];

    [Fact]
    public async Task A_cold_page_costs_two_round_trips_a_hot_page_none_and_a_cold_second_page_one()
    {
        // Written straight to PostgreSQL, so no grain of these users or posts is in memory.
        var (reader, posts) = await SeedAsync(authors: 5, postsEach: 6);
        var timeline = fixture.Grains.GetGrain<ITimelineGrain>(reader);

        Page<FeedItem> cold;
        using (var trace = SqlTrace.Start())
        {
            cold = await timeline.GetFeed(null, 20);
            Assert.True(trace.Statements.Count == 2, string.Join("\n---\n", trace.Statements));
        }

        Page<FeedItem> hot;
        using (var trace = SqlTrace.Start())
        {
            hot = await timeline.GetFeed(null, 20);
            Assert.Empty(trace.Statements);
        }

        using (var trace = SqlTrace.Start())
        {
            // Page two's posts were not on page one, so they are cold: one batch; their authors are hot.
            var second = await timeline.GetFeed(cold.Next, 20);
            Assert.Single(trace.Statements);
            Assert.Equal(posts.Skip(20).Select(p => p.Id), second.Items.Select(i => i.Post.Id));
            Assert.Null(second.Next);
        }

        Assert.Equal(posts.Take(20).Select(p => p.Id), cold.Items.Select(i => i.Post.Id));
        Assert.Equal(cold.Items, hot.Items);
        Assert.All(cold.Items, i => Assert.Equal(i.Post.AuthorId, i.Author.Id));
    }

    [Fact]
    public async Task Fan_outs_at_the_same_moment_share_one_follower_query_and_each_gets_its_own_authors_followers()
    {
        var (a, b, lonely, x, y) = (await fixture.SignUpAsync(), await fixture.SignUpAsync(), await fixture.SignUpAsync(),
            await fixture.SignUpAsync(), await fixture.SignUpAsync());
        await fixture.Grains.GetGrain<IUserGrain>(x).Follow(a);
        await fixture.Grains.GetGrain<IUserGrain>(y).Follow(a);
        await fixture.Grains.GetGrain<IUserGrain>(x).Follow(b);
        var lookup = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<FollowerLookup>();

        Guid[][] followers;
        using (var trace = SqlTrace.Start())
        {
            followers = await Task.WhenAll(lookup.OfAsync(a), lookup.OfAsync(b), lookup.OfAsync(lonely), lookup.OfAsync(a));
            Assert.Single(trace.Statements);
        }

        Assert.Equal(new[] { x, y }.Order(), followers[0].Order());
        Assert.Equal([x], followers[1]);
        Assert.Empty(followers[2]);
        Assert.Equal(followers[0].Order(), followers[3].Order());
    }

    [Fact]
    public async Task The_feed_holds_exactly_the_followees_posts_newest_first_through_follows_unfollows_and_deletes()
    {
        var (reader, b, c, d) = (await fixture.SignUpAsync(), await fixture.SignUpAsync(), await fixture.SignUpAsync(), await fixture.SignUpAsync());
        var me = fixture.Grains.GetGrain<IUserGrain>(reader);
        await me.Follow(b);
        await me.Follow(c);
        var byB = await PostAsync(b, 3);
        var byC = await PostAsync(c, 3);
        var byD = await PostAsync(d, 2);

        Assert.Equal(Newest(byB, byC), await WalkAsync(reader, pageSize: 2));

        await me.Follow(d);
        Assert.Equal(Newest(byB, byC, byD), await WalkAsync(reader, pageSize: 4));

        await me.Unfollow(c);
        Assert.Equal(Newest(byB, byD), await WalkAsync(reader, pageSize: 3));

        // The deletion reaches the timeline by fan-out, and any copy of the post a silo reuses for pages
        // expires within Feed:PostCopyTtl.
        await fixture.Grains.GetGrain<IPostGrain>(byB[1]).Delete(b);
        byB.RemoveAt(1);
        await Poll.UntilAsync(() => WalkAsync(reader, pageSize: 3), ids => ids.SequenceEqual(Newest(byB, byD)), "the deleted post leaves the feed",
            TimeSpan.FromSeconds(5));

        // Fan-out into the timeline now in memory: an unfollowed author's post never lands in it.
        var fromC = await PostAsync(c, 1);
        var fromB = await PostAsync(b, 1);
        byB.AddRange(fromB);
        await Poll.UntilAsync(() => WalkAsync(reader, pageSize: 100), ids => ids.Contains(fromB[0]), "the new post reaches the feed");
        Assert.Equal(Newest(byB, byD), await WalkAsync(reader, pageSize: 100));
        Assert.DoesNotContain(fromC[0], await WalkAsync(reader, pageSize: 100));
    }

    [Fact]
    public async Task A_widely_followed_authors_posts_are_merged_in_at_read_time()
    {
        var author = await fixture.SignUpAsync();
        var followers = new List<Guid>();
        for (var i = 0; i < ClusterFixture.FanOutLimit; i++)
        {
            followers.Add(await fixture.SignUpAsync());
            await fixture.Grains.GetGrain<IUserGrain>(followers[^1]).Follow(author);
        }

        var reader = followers[0];
        var before = await PostAsync(author, 2);
        Assert.Equal(Newest(before), await WalkAsync(reader, pageSize: 10));

        var after = await PostAsync(author, 1);
        await Poll.UntilAsync(() => WalkAsync(reader, pageSize: 10), ids => ids.Count == 3, "the new post is merged in");
        Assert.Equal(Newest(before, after), await WalkAsync(reader, pageSize: 10));

        // It came through the author's recent-posts grain, the read-time path.
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        Assert.Equal(1, await management.GetGrainActivationCount((GrainReference)fixture.Grains.GetGrain<IAuthorPostsGrain>(author)));
    }

    [Fact]
    public async Task A_profile_edit_shows_in_the_next_feed_read()
    {
        var (reader, author) = (await fixture.SignUpAsync(), await fixture.SignUpAsync());
        await fixture.Grains.GetGrain<IUserGrain>(reader).Follow(author);
        await PostAsync(author, 1);
        var timeline = fixture.Grains.GetGrain<ITimelineGrain>(reader);
        Assert.NotEqual("Renamed", (await timeline.GetFeed(null, 10)).Items.Single().Author.DisplayName);

        await fixture.Grains.GetGrain<IUserGrain>(author).Update(new ProfileChanges(null, null, "Renamed", null), null);

        Assert.Equal("Renamed", (await timeline.GetFeed(null, 10)).Items.Single().Author.DisplayName);
    }

    [Fact]
    public async Task A_profile_edit_shows_in_the_next_feed_read_on_every_silo_that_holds_a_copy_of_the_author()
    {
        var author = await fixture.SignUpAsync();
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var timelines = new List<ITimelineGrain>();
        foreach (var silo in fixture.Cluster.Silos)
        {
            // One reader's timeline on each silo, so both silos assemble pages and copy the author.
            var reader = await fixture.SignUpAsync();
            var timeline = fixture.Grains.GetGrain<ITimelineGrain>(reader);
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo.SiloAddress);
            await timeline.GetFeed(null, 10);
            RequestContext.Clear();
            Assert.Equal(silo.SiloAddress, await management.GetActivationAddress(timeline));
            await fixture.Grains.GetGrain<IUserGrain>(reader).Follow(author);
            timelines.Add(timeline);
        }

        await PostAsync(author, 1);
        foreach (var timeline in timelines)
        {
            Assert.NotEqual("Renamed", (await timeline.GetFeed(null, 10)).Items.Single().Author.DisplayName);
        }

        await fixture.Grains.GetGrain<IUserGrain>(author).Update(new ProfileChanges(null, null, "Renamed", null), null);

        foreach (var timeline in timelines)
        {
            Assert.Equal("Renamed", (await timeline.GetFeed(null, 10)).Items.Single().Author.DisplayName);
        }
    }

    [Fact]
    public async Task A_like_shows_on_a_feed_page_read_again_and_again_once_the_silos_copy_of_the_post_expires()
    {
        var (reader, author) = (await fixture.SignUpAsync(), await fixture.SignUpAsync());
        await fixture.Grains.GetGrain<IUserGrain>(reader).Follow(author);
        var postId = (await PostAsync(author, 1))[0];
        var timeline = fixture.Grains.GetGrain<ITimelineGrain>(reader);
        Assert.Equal(0, (await timeline.GetFeed(null, 10)).Items.Single().Post.LikeCount);

        await fixture.Grains.GetGrain<IPostGrain>(postId).AddLike(reader);

        // Read every 50 ms: a copy reused by a page must still expire (Feed:PostCopyTtl, 2 s), not
        // be renewed by every page that shows it.
        await Poll.UntilAsync(() => timeline.GetFeed(null, 10).AsTask(), p => p.Items.Single().Post.LikeCount == 1,
            "the like shows on the page", TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task Collected_activations_come_back_with_the_same_data()
    {
        var (reader, author) = (await fixture.SignUpAsync(), await fixture.SignUpAsync());
        var user = fixture.Grains.GetGrain<IUserGrain>(author);
        await fixture.Grains.GetGrain<IUserGrain>(reader).Follow(author);
        var postId = (await PostAsync(author, 1))[0];
        await fixture.Grains.GetGrain<IPostGrain>(postId).AddLike(reader);
        var timeline = fixture.Grains.GetGrain<ITimelineGrain>(reader);
        var profileBefore = await user.GetProfile();
        var feedBefore = await timeline.GetFeed(null, 10);
        // The post's fan-out calls the author's grain: let it finish first, or it could wake that grain
        // again after the collection.
        await Poll.UntilAsync(() => Rows.ScalarAsync<bool>(fixture.Db,
            "SELECT bool_and(processed_at IS NOT NULL) FROM outbox WHERE aggregate_id = $1", postId), done => done, "the post's events are processed");

        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        GrainReference[] grains = [(GrainReference)user, (GrainReference)timeline, (GrainReference)fixture.Grains.GetGrain<IPostGrain>(postId)];
        await Poll.UntilAsync(async () => (await Task.WhenAll(grains.Select(management.GetGrainActivationCount))).Sum(), n => n == 0,
            "the idle activations are collected");

        Assert.Equal(profileBefore, await user.GetProfile());
        Assert.Equal(feedBefore, await timeline.GetFeed(null, 10), new PageComparer());
        Assert.Equal(1, (await fixture.Grains.GetGrain<IPostGrain>(postId).GetPost())!.LikeCount);
    }

    [Fact]
    public async Task Trending_serves_the_last_ranking_at_once_and_converges_after_a_background_refresh()
    {
        var trending = fixture.Grains.GetGrain<ITrendingGrain>(0);
        var first = await trending.GetRanking();

        // A post liked by more users than any other post has likes, so it ranks first once recomputed.
        var author = await fixture.SignUpAsync();
        var hot = (await PostAsync(author, 1))[0];
        var most = await Rows.ScalarAsync<long>(fixture.Db,
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM likes GROUP BY post_id) t");
        var likers = await Task.WhenAll(Enumerable.Range(0, (int)most + 1).Select(_ => fixture.SignUpAsync()));
        await Task.WhenAll(likers.Select(u => fixture.Grains.GetGrain<IPostGrain>(hot).AddLike(u).AsTask()));

        var stale = await trending.GetRanking();
        Assert.Equal(first.ComputedAt, stale.ComputedAt);
        Assert.DoesNotContain(stale.Entries, e => e.PostId == hot);

        var fresh = await Poll.UntilAsync(() => trending.GetRanking().AsTask(), r => r.ComputedAt > first.ComputedAt,
            "a newer ranking is served");
        Assert.Equal(hot, fresh.Entries[0].PostId);

        // Trending pages show the post with its author, and drop it once deleted.
        var reader = fixture.Grains.GetGrain<ITrendingReaderGrain>(0);
        Assert.Contains((await reader.GetTrending(50)).Items, i => i.Post.Id == hot && i.Author.Id == author);
        await fixture.Grains.GetGrain<IPostGrain>(hot).Delete(author);
        await Poll.UntilAsync(() => reader.GetTrending(50).AsTask(), t => t.Items.All(i => i.Post.Id != hot), "the deleted post leaves trending",
            TimeSpan.FromSeconds(5));
    }

    private async Task<List<Guid>> PostAsync(Guid author, int count)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = Fresh.Id();
            var result = await fixture.Grains.GetGrain<IUserGrain>(author).CreatePost(id, $"post {i} by {author}", null);
            Assert.True(result.Succeeded);
            _created[id] = result.Value!.CreatedAt;
            ids.Add(id);
        }

        return ids;
    }

    // Posts here are created one after another, so their times differ: newest first is by time alone.
    private List<Guid> Newest(params List<Guid>[] byAuthor) =>
        [.. byAuthor.SelectMany(ids => ids).OrderByDescending(id => _created[id])];

    private async Task<List<Guid>> WalkAsync(Guid reader, int pageSize)
    {
        var timeline = fixture.Grains.GetGrain<ITimelineGrain>(reader);
        var ids = new List<Guid>();
        PageCursor? cursor = null;
        do
        {
            var page = await timeline.GetFeed(cursor, pageSize);
            ids.AddRange(page.Items.Select(i => i.Post.Id));
            cursor = page.Next;
        }
        while (cursor is not null);
        return ids;
    }

    private async Task<(Guid Reader, List<Post> NewestFirst)> SeedAsync(int authors, int postsEach)
    {
        var reader = Fresh.Id();
        var authorIds = Enumerable.Range(0, authors).Select(_ => Fresh.Id()).ToArray();
        var users = authorIds.Prepend(reader).ToArray();
        await Rows.ExecuteAsync(fixture.Db, """
            INSERT INTO users (id, handle, email, display_name, password_hash, created_at, updated_at)
            SELECT id, 's_' || left(replace(id::text, '-', ''), 20), replace(id::text, '-', '') || '@example.test', 'Seeded', 'x', now(), now()
            FROM unnest($1::uuid[]) AS id
            """, users);
        await Rows.ExecuteAsync(fixture.Db, """
            INSERT INTO follows (follower_id, followee_id, created_at) SELECT $1, id, now() FROM unnest($2::uuid[]) AS id
            """, reader, authorIds);
        var posts = new List<Post>();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 0; i < authors * postsEach; i++)
        {
            var at = start.AddSeconds(i);
            at = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero);
            posts.Add(new Post(Fresh.Id(), authorIds[i % authors], $"seeded {i}", at, 0, 1));
        }

        await Rows.ExecuteAsync(fixture.Db, """
            INSERT INTO posts (id, author_id, body, created_at) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[])
            """, posts.Select(p => p.Id).ToArray(), posts.Select(p => p.AuthorId).ToArray(), posts.Select(p => p.Body).ToArray(),
            posts.Select(p => p.CreatedAt).ToArray());
        await Rows.ExecuteAsync(fixture.Db, """
            UPDATE users u SET
                following_count = (SELECT count(*) FROM follows WHERE follower_id = u.id),
                follower_count = (SELECT count(*) FROM follows WHERE followee_id = u.id),
                post_count = (SELECT count(*) FROM posts WHERE author_id = u.id)
            WHERE id = ANY($1)
            """, users);
        posts.Reverse();
        return (reader, posts);
    }

    private sealed class PageComparer : IEqualityComparer<Page<FeedItem>>
    {
        public bool Equals(Page<FeedItem>? x, Page<FeedItem>? y) =>
            x is not null && y is not null && x.Next == y.Next && x.Items.SequenceEqual(y.Items);

        public int GetHashCode(Page<FeedItem> obj) => obj.Items.Count;
    }
}
