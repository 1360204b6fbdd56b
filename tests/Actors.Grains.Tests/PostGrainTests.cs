using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Paging;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Actors.Testing;

namespace Actors.Grains.Tests;

[Collection(SharedCluster.Name)]
public sealed class PostGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Creating_a_post_commits_row_counter_and_event_and_the_author_grain_sees_the_new_count()
    {
        var author = await fixture.SignUpAsync();
        var id = Fresh.Id();

        var result = await fixture.Grains.GetGrain<IUserGrain>(author).CreatePost(id, "hello, world", null);

        Assert.Equal(WriteStatus.Created, result.Status);
        Assert.Equal(result.Value, await fixture.Grains.GetGrain<IPostGrain>(id).GetPost());
        Assert.Equal(result.Value, await ReadRow(id));
        Assert.Equal(1, await Rows.ScalarAsync<int>(fixture.Db, "SELECT post_count FROM users WHERE id = $1", author));
        Assert.Equal(id.ToString(), await Rows.ScalarAsync<string>(fixture.Db,
            "SELECT payload->>'postId' FROM outbox WHERE aggregate_id = $1 AND event_type = 'PostCreated'", id));
        await WaitForPostCount(author, 1);
    }

    [Fact]
    public async Task Creating_a_post_activates_no_grain_for_it_until_its_first_read()
    {
        var author = await fixture.SignUpAsync();
        var id = Fresh.Id();
        var post = fixture.Grains.GetGrain<IPostGrain>(id);
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);

        var created = await fixture.Grains.GetGrain<IUserGrain>(author).CreatePost(id, "no activation", null);

        Assert.Equal(WriteStatus.Created, created.Status);
        Assert.Equal(0, await management.GetGrainActivationCount((GrainReference)post));
        Assert.Equal(created.Value, await post.GetPost());
        Assert.Equal(1, await management.GetGrainActivationCount((GrainReference)post));
    }

    [Fact]
    public async Task Concurrent_posts_by_one_author_leave_counter_row_and_grain_equal_to_the_number_of_posts()
    {
        var author = await fixture.SignUpAsync();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            fixture.Grains.GetGrain<IUserGrain>(author).CreatePost(Fresh.Id(), $"post {i}", null).AsTask()));

        Assert.Equal(50L, await Rows.ScalarAsync<long>(fixture.Db, "SELECT count(*) FROM posts WHERE author_id = $1", author));
        Assert.Equal(50, await Rows.ScalarAsync<int>(fixture.Db, "SELECT post_count FROM users WHERE id = $1", author));
        await WaitForPostCount(author, 50);
    }

    [Fact]
    public async Task A_second_create_with_a_recorded_idempotency_key_writes_nothing_and_says_why()
    {
        var author = await fixture.SignUpAsync();
        var key = new IdempotencyKey($"posts:{author:N}", Guid.NewGuid().ToString(), [1, 2, 3]);
        var first = Fresh.Id();
        await fixture.Grains.GetGrain<IUserGrain>(author).CreatePost(first, "once", key);

        var second = await fixture.Grains.GetGrain<IUserGrain>(author).CreatePost(Fresh.Id(), "once", key);

        Assert.Equal((WriteStatus.Conflict, ErrorCodes.IdempotencyKeyInUse), (second.Status, second.ErrorCode));
        Assert.Equal(1L, await Rows.ScalarAsync<long>(fixture.Db, "SELECT count(*) FROM posts WHERE author_id = $1", author));
        Assert.Equal(1, await Rows.ScalarAsync<int>(fixture.Db, "SELECT post_count FROM users WHERE id = $1", author));
        var recorded = await fixture.Grains.GetGrain<IIdempotencyKeysGrain>(0).Find(key.Scope, key.Key);
        Assert.Equal(first, recorded!.ResourceId);
        Assert.Equal(key.RequestHash, recorded.RequestHash);
    }

    [Fact]
    public async Task A_post_by_an_unknown_author_is_refused_and_nothing_is_written()
    {
        var id = Fresh.Id();

        var result = await fixture.Grains.GetGrain<IUserGrain>(Fresh.Id()).CreatePost(id, "orphan", null);

        Assert.Equal((WriteStatus.NotFound, ErrorCodes.AuthorNotFound), (result.Status, result.ErrorCode));
        Assert.Null(await fixture.Grains.GetGrain<IPostGrain>(id).GetPost());
        Assert.Equal(0L, await Rows.ScalarAsync<long>(fixture.Db, "SELECT count(*) FROM outbox WHERE aggregate_id = $1", id));
    }

    [Fact]
    public async Task Only_the_author_can_delete_and_a_delete_removes_row_and_decrements_the_counter()
    {
        var author = await fixture.SignUpAsync();
        var stranger = await fixture.SignUpAsync();
        var id = Fresh.Id();
        await fixture.Grains.GetGrain<IUserGrain>(author).CreatePost(id, "short-lived", null);
        var post = fixture.Grains.GetGrain<IPostGrain>(id);

        var refused = await post.Delete(stranger);
        Assert.Equal((WriteStatus.Forbidden, ErrorCodes.NotAuthor), (refused.Status, refused.ErrorCode));
        Assert.NotNull(await ReadRow(id));

        var deleted = await post.Delete(author);
        Assert.Equal(WriteStatus.Ok, deleted.Status);
        Assert.Null(await ReadRow(id));
        Assert.Null(await post.GetPost());
        Assert.Equal(0, await Rows.ScalarAsync<int>(fixture.Db, "SELECT post_count FROM users WHERE id = $1", author));
        Assert.Equal(1L, await Rows.ScalarAsync<long>(fixture.Db,
            "SELECT count(*) FROM outbox WHERE aggregate_id = $1 AND event_type = 'PostDeleted'", id));
        await WaitForPostCount(author, 0);

        var again = await post.Delete(author);
        Assert.Equal(WriteStatus.NotFound, again.Status);
    }

    [Fact]
    public async Task Pages_of_an_authors_posts_walk_every_post_newest_first_without_gaps_or_duplicates()
    {
        var author = await fixture.SignUpAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 45; i++)
        {
            var id = Fresh.Id();
            await fixture.Grains.GetGrain<IUserGrain>(author).CreatePost(id, $"post {i}", null);
            ids.Add(id);
        }

        var seen = new List<Post>();
        PageCursor? cursor = null;
        var directory = fixture.Grains.GetGrain<IDirectoryGrain>(0);
        do
        {
            var page = await directory.ListPostsByAuthor(author, cursor, 7);
            Assert.InRange(page.Items.Count, 1, 7);
            seen.AddRange(page.Items);
            cursor = page.Next;
        }
        while (cursor is not null);

        ids.Reverse();
        Assert.Equal(ids, seen.Select(p => p.Id));
    }

    // Counter notices are one-way messages: await the grain reaching the committed count.
    private async Task WaitForPostCount(Guid author, int expected)
    {
        var grain = fixture.Grains.GetGrain<IUserGrain>(author);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while ((await grain.GetProfile())!.Counters.Posts != expected)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private async Task<Post?> ReadRow(Guid id)
    {
        await using var command = fixture.Db.CreateCommand("SELECT id, author_id, body, created_at, like_count, version FROM posts WHERE id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new Post(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4), reader.GetInt64(5))
            : null;
    }
}
