using Actors.Grains.Data;
using Actors.Grains.Paging;
using Actors.Grains.Posts;
using Actors.Grains.Users;
using Npgsql;
using Orleans.Concurrency;

namespace Actors.Grains.Paging;

/// <summary>
/// Keyset-paginated list queries. Stateless, so every silo runs local copies and a page never waits
/// behind another page. Each page is one query that reads one extra row to learn whether more follow.
/// </summary>
[StatelessWorker]
public sealed class DirectoryGrain(Database database) : Grain, IDirectoryGrain
{
    private const string UsersFirstPage = $"SELECT {UserRows.Columns} FROM users ORDER BY id LIMIT $1";
    private const string UsersAfter = $"SELECT {UserRows.Columns} FROM users WHERE id > $2 ORDER BY id LIMIT $1";

    // Followers walk the reverse index (followee_id, follower_id); following walks the primary key.
    private static readonly string U = string.Join(", ", UserRows.Columns.Split(", ").Select(c => "u." + c));
    private static readonly string FollowersFirst = $"SELECT {U} FROM follows f JOIN users u ON u.id = f.follower_id WHERE f.followee_id = $2 ORDER BY f.follower_id LIMIT $1";
    private static readonly string FollowersAfter = $"SELECT {U} FROM follows f JOIN users u ON u.id = f.follower_id WHERE f.followee_id = $2 AND f.follower_id > $3 ORDER BY f.follower_id LIMIT $1";
    private static readonly string FollowingFirst = $"SELECT {U} FROM follows f JOIN users u ON u.id = f.followee_id WHERE f.follower_id = $2 ORDER BY f.followee_id LIMIT $1";
    private static readonly string FollowingAfter = $"SELECT {U} FROM follows f JOIN users u ON u.id = f.followee_id WHERE f.follower_id = $2 AND f.followee_id > $3 ORDER BY f.followee_id LIMIT $1";

    private const string PostsFirstPage = $"""
        SELECT {PostRows.Columns} FROM posts WHERE author_id = $2
        ORDER BY created_at DESC, id DESC LIMIT $1
        """;

    private const string PostsAfter = $"""
        SELECT {PostRows.Columns} FROM posts WHERE author_id = $2 AND (created_at, id) < ($3, $4)
        ORDER BY created_at DESC, id DESC LIMIT $1
        """;

    public async ValueTask<Page<UserProfile>> ListUsers(PageCursor? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var rows = await database.ReadAsync("users.list", (connection, ct) =>
        {
            var command = after is { } cursor
                ? Sql.Command(connection, UsersAfter, Sql.Value(limit + 1), Sql.Value(cursor.Id))
                : Sql.Command(connection, UsersFirstPage, Sql.Value(limit + 1));
            return Sql.ReadAllAsync(command, UserRows.Read, ct);
        });
        return ToPage(rows, limit, user => new PageCursor(null, user.Id));
    }

    public ValueTask<Page<UserProfile>> ListFollowers(Guid userId, PageCursor? after, int limit) =>
        ListRelated("users.followers", FollowersFirst, FollowersAfter, userId, after, limit);

    public ValueTask<Page<UserProfile>> ListFollowing(Guid userId, PageCursor? after, int limit) =>
        ListRelated("users.following", FollowingFirst, FollowingAfter, userId, after, limit);

    private async ValueTask<Page<UserProfile>> ListRelated(string operation, string first, string next, Guid userId, PageCursor? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var rows = await database.ReadAsync(operation, (connection, ct) =>
        {
            var command = after is { } cursor
                ? Sql.Command(connection, next, Sql.Value(limit + 1), Sql.Value(userId), Sql.Value(cursor.Id))
                : Sql.Command(connection, first, Sql.Value(limit + 1), Sql.Value(userId));
            return Sql.ReadAllAsync(command, UserRows.Read, ct);
        });
        return ToPage(rows, limit, user => new PageCursor(null, user.Id));
    }

    public async ValueTask<Page<Post>> ListPostsByAuthor(Guid authorId, PageCursor? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var rows = await database.ReadAsync("posts.by-author", (connection, ct) =>
        {
            var command = after is { Timestamp: { } at } cursor
                ? Sql.Command(connection, PostsAfter, Sql.Value(limit + 1), Sql.Value(authorId), Sql.Value(at), Sql.Value(cursor.Id))
                : Sql.Command(connection, PostsFirstPage, Sql.Value(limit + 1), Sql.Value(authorId));
            return Sql.ReadAllAsync(command, PostRows.Read, ct);
        });
        return ToPage(rows, limit, post => new PageCursor(post.CreatedAt, post.Id));
    }

    private static Page<T> ToPage<T>(List<T> rows, int limit, Func<T, PageCursor> cursorOf)
    {
        if (rows.Count <= limit)
        {
            return new Page<T>(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return new Page<T>(rows, cursorOf(rows[^1]));
    }
}
