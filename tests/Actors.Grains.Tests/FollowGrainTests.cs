using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Paging;
using Actors.Grains.Abstractions.Users;
using Actors.Testing;

namespace Actors.Grains.Tests;

[Collection(SharedCluster.Name)]
public sealed class FollowGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Following_twice_writes_one_row_and_counts_once_on_both_sides()
    {
        var (a, b) = (await fixture.SignUpAsync(), await fixture.SignUpAsync());
        var grain = fixture.Grains.GetGrain<IUserGrain>(a);

        var first = await grain.Follow(b);
        var second = await grain.Follow(b);

        Assert.Equal((WriteStatus.Ok, WriteStatus.Ok), (first.Status, second.Status));
        Assert.Equal(1L, await Rows.ScalarAsync<long>(fixture.Db, "SELECT count(*) FROM follows WHERE follower_id = $1", a));
        Assert.Equal(1, (await grain.GetProfile())!.Counters.Following);
        Assert.Equal(1, (await fixture.Grains.GetGrain<IUserGrain>(b).GetProfile())!.Counters.Followers);
        await AssertCountersMatchRows(a, b);
    }

    [Fact]
    public async Task Unfollowing_removes_the_row_and_unfollowing_again_changes_nothing()
    {
        var (a, b) = (await fixture.SignUpAsync(), await fixture.SignUpAsync());
        var grain = fixture.Grains.GetGrain<IUserGrain>(a);
        await grain.Follow(b);

        await grain.Unfollow(b);
        var again = await grain.Unfollow(b);

        Assert.Equal(WriteStatus.Ok, again.Status);
        Assert.Equal(0, (await grain.GetProfile())!.Counters.Following);
        Assert.Equal(0, (await fixture.Grains.GetGrain<IUserGrain>(b).GetProfile())!.Counters.Followers);
        await AssertCountersMatchRows(a, b);
    }

    [Fact]
    public async Task Counters_equal_the_rows_after_many_users_follow_and_unfollow_concurrently()
    {
        var users = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            users.Add(await fixture.SignUpAsync());
        }

        // Everyone follows the first five and a neighbour, concurrently, then half unfollow the first.
        await Task.WhenAll(users.SelectMany((u, i) => users.Take(5).Append(users[(i + 1) % users.Count])
            .Where(t => t != u)
            .Select(t => fixture.Grains.GetGrain<IUserGrain>(u).Follow(t).AsTask())));
        await Task.WhenAll(users.Where((_, i) => i % 2 == 0).Where(u => u != users[0])
            .Select(u => fixture.Grains.GetGrain<IUserGrain>(u).Unfollow(users[0]).AsTask()));

        await AssertCountersMatchRows([.. users]);
        foreach (var user in users)
        {
            var memory = (await fixture.Grains.GetGrain<IUserGrain>(user).GetProfile())!.Counters;
            var rows = await RowCounts(user);
            Assert.Equal(rows, (memory.Followers, memory.Following));
        }
    }

    [Fact]
    public async Task Following_yourself_or_a_missing_user_is_refused()
    {
        var a = await fixture.SignUpAsync();
        var grain = fixture.Grains.GetGrain<IUserGrain>(a);

        var self = await grain.Follow(a);
        var missing = await grain.Follow(Fresh.Id());

        Assert.Equal((WriteStatus.Invalid, ErrorCodes.CannotFollowSelf), (self.Status, self.ErrorCode));
        Assert.Equal((WriteStatus.NotFound, ErrorCodes.UserNotFound), (missing.Status, missing.ErrorCode));
        Assert.Equal(0L, await Rows.ScalarAsync<long>(fixture.Db, "SELECT count(*) FROM follows WHERE follower_id = $1", a));
    }

    [Fact]
    public async Task Followers_and_following_pages_walk_every_related_user_once()
    {
        var target = await fixture.SignUpAsync();
        var followers = new List<Guid>();
        for (var i = 0; i < 23; i++)
        {
            var follower = await fixture.SignUpAsync();
            await fixture.Grains.GetGrain<IUserGrain>(follower).Follow(target);
            await fixture.Grains.GetGrain<IUserGrain>(target).Follow(follower);
            followers.Add(follower);
        }

        var directory = fixture.Grains.GetGrain<IDirectoryGrain>(0);
        Assert.Equal(followers.Order(), await Walk((after, size) => directory.ListFollowers(target, after, size)));
        Assert.Equal(followers.Order(), await Walk((after, size) => directory.ListFollowing(target, after, size)));
    }

    private static async Task<List<Guid>> Walk(Func<PageCursor?, int, ValueTask<Page<UserProfile>>> list)
    {
        var seen = new List<Guid>();
        PageCursor? cursor = null;
        do
        {
            var page = await list(cursor, 5);
            seen.AddRange(page.Items.Select(u => u.Id));
            cursor = page.Next;
        }
        while (cursor is not null);

        return seen;
    }

    private async Task AssertCountersMatchRows(params Guid[] users)
    {
        foreach (var user in users)
        {
            var stored = (
                await Rows.ScalarAsync<int>(fixture.Db, "SELECT follower_count FROM users WHERE id = $1", user),
                await Rows.ScalarAsync<int>(fixture.Db, "SELECT following_count FROM users WHERE id = $1", user));
            Assert.Equal(await RowCounts(user), stored);
        }
    }

    private async Task<(int Followers, int Following)> RowCounts(Guid user) => (
        (int)await Rows.ScalarAsync<long>(fixture.Db, "SELECT count(*) FROM follows WHERE followee_id = $1", user),
        (int)await Rows.ScalarAsync<long>(fixture.Db, "SELECT count(*) FROM follows WHERE follower_id = $1", user));
}
