using Actors.Grains.Data;
using Actors.Grains.Outbox;
using Npgsql;

namespace Actors.Grains.Posts;

/// <summary>SQL for the posts table. Writes change the post, the author's counters and the outbox in one statement.</summary>
internal static class PostRows
{
    public const string Columns = "id, author_id, body, created_at, like_count, version";

    public const string SelectById = $"SELECT {Columns} FROM posts WHERE id = $1";

    // The author row is updated first: it both checks that the author exists (no row, nothing inserted)
    // and locks it, so concurrent posts by one author serialize on the counter, not on a retry loop.
    // Also takes the outbox entry's and the idempotency key's parameters (the key may be null).
    public static readonly string Insert = $"""
        WITH author AS (
            UPDATE users SET post_count = post_count + 1, stats_version = stats_version + 1
            WHERE id = @author_id
            RETURNING {Users.UserRows.CounterColumns}
        ), created AS (
            INSERT INTO posts (id, author_id, body, created_at)
            SELECT @id, @author_id, @body, @now FROM author
            RETURNING id
        ), announced AS (
            {OutboxSql.Announce("created")}
        ), {Sql.RememberKey}
        SELECT {Users.UserRows.CounterColumns} FROM author
        """;

    // Author-only: a post by someone else matches no row and nothing changes. Also takes the outbox
    // entry's parameters.
    public static readonly string Delete = $"""
        WITH removed AS (
            DELETE FROM posts WHERE id = @id AND author_id = @requester_id
            RETURNING id, author_id
        ), author AS (
            UPDATE users SET post_count = post_count - 1, stats_version = stats_version + 1
            WHERE id = (SELECT author_id FROM removed)
            RETURNING {Users.UserRows.CounterColumns}
        ), announced AS (
            {OutboxSql.Announce("removed")}
        )
        SELECT {Users.UserRows.CounterColumns} FROM author
        """;

    // Both answer the post's like count after the statement, and no row when the post is gone.
    // $1 post, $2 user, $3 now.
    public const string Like = """
        WITH liked AS (
            INSERT INTO likes (post_id, user_id, created_at)
            SELECT id, $2, $3 FROM posts WHERE id = $1
            ON CONFLICT DO NOTHING
            RETURNING post_id
        ), counted AS (
            UPDATE posts SET like_count = like_count + 1 WHERE id IN (SELECT post_id FROM liked)
            RETURNING like_count
        )
        SELECT COALESCE((SELECT like_count FROM counted), (SELECT like_count FROM posts WHERE id = $1))
        WHERE EXISTS (SELECT 1 FROM posts WHERE id = $1)
        """;

    // $1 post, $2 user.
    public const string Unlike = """
        WITH unliked AS (
            DELETE FROM likes WHERE post_id = $1 AND user_id = $2
            RETURNING post_id
        ), counted AS (
            UPDATE posts SET like_count = like_count - 1 WHERE id IN (SELECT post_id FROM unliked)
            RETURNING like_count
        )
        SELECT COALESCE((SELECT like_count FROM counted), (SELECT like_count FROM posts WHERE id = $1))
        WHERE EXISTS (SELECT 1 FROM posts WHERE id = $1)
        """;

    public static Post Read(NpgsqlDataReader r) => new(
        r.GetGuid(0),
        r.GetGuid(1),
        r.GetString(2),
        r.GetFieldValue<DateTimeOffset>(3),
        r.GetInt32(4),
        r.GetInt64(5));

    public static async Task<Post?> LoadAsync(NpgsqlConnection connection, Guid id, CancellationToken ct)
    {
        await using var command = Sql.Command(connection, SelectById, Sql.Value(id));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? Read(reader) : null;
    }
}
