using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Actors.Testing;

namespace Actors.Grains.Tests;

[Collection(SharedCluster.Name)]
public sealed class LikeGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Liking_twice_counts_once_and_unliking_twice_uncounts_once()
    {
        var (author, fan) = (await fixture.SignUpAsync(), await fixture.SignUpAsync());
        var post = await NewPost(author);

        await post.AddLike(fan);
        var twice = await post.AddLike(fan);
        Assert.Equal((WriteStatus.Ok, 1), (twice.Status, twice.Value!.LikeCount));

        await post.RemoveLike(fan);
        var again = await post.RemoveLike(fan);
        Assert.Equal((WriteStatus.Ok, 0), (again.Status, again.Value!.LikeCount));
        Assert.Equal(0, (await post.GetPost())!.LikeCount);
    }

    [Fact]
    public async Task A_thousand_concurrent_likes_and_unlikes_from_fifty_users_leave_the_count_equal_to_the_rows()
    {
        var author = await fixture.SignUpAsync();
        var users = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            users.Add(await fixture.SignUpAsync());
        }

        var posts = new List<IPostGrain>();
        for (var i = 0; i < 4; i++)
        {
            posts.Add(await NewPost(author));
        }

        // 1,000 operations: each user likes and unlikes the four posts in a fixed pseudo-random order.
        var random = new Random(42);
        await Task.WhenAll(Enumerable.Range(0, 1000).Select(n =>
        {
            var post = posts[random.Next(posts.Count)];
            var user = users[random.Next(users.Count)];
            return n % 3 == 0 ? post.RemoveLike(user).AsTask() : post.AddLike(user).AsTask();
        }));

        foreach (var post in posts)
        {
            var id = post.GetPrimaryKey();
            var rows = await Rows.ScalarAsync<long>(fixture.Db, "SELECT count(*) FROM likes WHERE post_id = $1", id);
            Assert.Equal(rows, await Rows.ScalarAsync<int>(fixture.Db, "SELECT like_count FROM posts WHERE id = $1", id));
            Assert.Equal(rows, (await post.GetPost())!.LikeCount);
        }
    }

    [Fact]
    public async Task Likes_of_a_missing_post_or_by_a_missing_user_are_refused()
    {
        var author = await fixture.SignUpAsync();
        var post = await NewPost(author);

        var missingPost = await fixture.Grains.GetGrain<IPostGrain>(Fresh.Id()).AddLike(author);
        var missingUser = await post.AddLike(Fresh.Id());

        Assert.Equal((WriteStatus.NotFound, ErrorCodes.PostNotFound), (missingPost.Status, missingPost.ErrorCode));
        Assert.Equal((WriteStatus.NotFound, ErrorCodes.UserNotFound), (missingUser.Status, missingUser.ErrorCode));
        Assert.Equal(0, (await post.GetPost())!.LikeCount);
    }

    private async Task<IPostGrain> NewPost(Guid author)
    {
        var id = Fresh.Id();
        await fixture.Grains.GetGrain<IUserGrain>(author).CreatePost(id, "likeable", null);
        return fixture.Grains.GetGrain<IPostGrain>(id);
    }
}
