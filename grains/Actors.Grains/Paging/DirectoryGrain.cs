using Actors.Grains.Abstractions.Paging;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Actors.Grains.Data;
using Actors.Grains.Posts;
using Actors.Grains.Users;
using Orleans.Concurrency;

namespace Actors.Grains.Paging;

/// <summary>
/// Keyset-paginated list queries. Stateless, so every silo runs local copies and a page never waits
/// behind another page. Each page is one query that reads one extra row to learn whether more follow.
/// </summary>
[StatelessWorker]
public sealed class DirectoryGrain(Database database) : Grain, IDirectoryGrain
{
    public async ValueTask<Page<UserProfile>> ListUsers(PageCursor? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var rows = await database.ReadAsync("users.list", (connection, ct) =>
        {
            var command = after is { } cursor
                ? Sql.Command(connection, UserSql.PageAfter, Sql.Value(limit + 1), Sql.Value(cursor.Id))
                : Sql.Command(connection, UserSql.FirstPage, Sql.Value(limit + 1));
            return Sql.ReadAllAsync(command, UserSql.Read, ct);
        });
        return ToPage(rows, limit, user => new PageCursor(null, user.Id));
    }

    public ValueTask<Page<UserProfile>> ListFollowers(Guid userId, PageCursor? after, int limit) =>
        ListRelated("users.followers", FollowSql.FollowersFirstPage, FollowSql.FollowersPageAfter, userId, after, limit);

    public ValueTask<Page<UserProfile>> ListFollowing(Guid userId, PageCursor? after, int limit) =>
        ListRelated("users.following", FollowSql.FollowingFirstPage, FollowSql.FollowingPageAfter, userId, after, limit);

    private async ValueTask<Page<UserProfile>> ListRelated(string operation, string first, string next, Guid userId, PageCursor? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var rows = await database.ReadAsync(operation, (connection, ct) =>
        {
            var command = after is { } cursor
                ? Sql.Command(connection, next, Sql.Value(limit + 1), Sql.Value(userId), Sql.Value(cursor.Id))
                : Sql.Command(connection, first, Sql.Value(limit + 1), Sql.Value(userId));
            return Sql.ReadAllAsync(command, UserSql.Read, ct);
        });
        return ToPage(rows, limit, user => new PageCursor(null, user.Id));
    }

    public async ValueTask<Page<Post>> ListPostsByAuthor(Guid authorId, PageCursor? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var rows = await database.ReadAsync("posts.by-author", (connection, ct) =>
        {
            var command = after is { Timestamp: { } at } cursor
                ? Sql.Command(connection, PostSql.PageAfter, Sql.Value(limit + 1), Sql.Value(authorId), Sql.Value(at), Sql.Value(cursor.Id))
                : Sql.Command(connection, PostSql.FirstPage, Sql.Value(limit + 1), Sql.Value(authorId));
            return Sql.ReadAllAsync(command, PostSql.Read, ct);
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
