using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Data;
using Actors.Grains.Outbox;
using Npgsql;

namespace Actors.Grains.Posts;

/// <summary>SQL for the posts table. Writes change the post, the author's counters and the outbox in one statement.</summary>
internal static class PostSql
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
            RETURNING {Users.UserSql.CounterColumns}
        ), created AS (
            INSERT INTO posts (id, author_id, body, created_at)
            SELECT @id, @author_id, @body, @now FROM author
            RETURNING id
        ), announced AS (
            {OutboxSql.Announce("created")}
        ), {IdempotencySql.RememberKey}
        SELECT {Users.UserSql.CounterColumns} FROM author
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
            RETURNING {Users.UserSql.CounterColumns}
        ), announced AS (
            {OutboxSql.Announce("removed")}
        )
        SELECT {Users.UserSql.CounterColumns} FROM author
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

    public const string ByIds = $"SELECT {Columns} FROM posts WHERE id = ANY($1)";

    // Pages of an author's posts, newest first (posts_author_recent_idx); $1 page size, $2 author,
    // ($3, $4) the keyset of the last post before.
    public const string FirstPage = $"""
        SELECT {Columns} FROM posts WHERE author_id = $2
        ORDER BY created_at DESC, id DESC LIMIT $1
        """;

    public const string PageAfter = $"""
        SELECT {Columns} FROM posts WHERE author_id = $2 AND (created_at, id) < ($3, $4)
        ORDER BY created_at DESC, id DESC LIMIT $1
        """;

    private static readonly string Prefixed = string.Join(", ", Columns.Split(", ").Select(c => "p." + c));

    // A rebuild: the newest entries of everyone the user follows, read from posts_author_recent_idx
    // alone (per followee a walk that stops after $2 rows, merged, cut to $2), plus the post columns
    // for the first $3 of them, the page about to be shown, fetched by primary key.
    // $1 user, $2 how many entries, $3 how many with their posts.
    public const string TimelineRebuild = """
        WITH entries AS (
            SELECT p.id, p.author_id, p.created_at
            FROM follows f
            CROSS JOIN LATERAL (
                SELECT id, author_id, created_at FROM posts WHERE author_id = f.followee_id
                ORDER BY created_at DESC, id DESC LIMIT $2
            ) p
            WHERE f.follower_id = $1
            ORDER BY p.created_at DESC, p.id DESC
            LIMIT $2
        ), numbered AS (
            SELECT id, author_id, created_at, row_number() OVER (ORDER BY created_at DESC, id DESC) AS rn FROM entries
        )
        SELECT n.id, n.author_id, n.created_at, p.body, p.like_count, p.version
        FROM numbered n
        LEFT JOIN LATERAL (SELECT body, like_count, version FROM posts WHERE id = n.id AND n.rn <= $3) p ON true
        ORDER BY n.rn
        """;

    // The newest posts of everyone the user follows, whole: pages past what a timeline holds. $1 user, $2 how many.
    public static readonly string TimelineNewest = $"""
        SELECT {Prefixed}
        FROM follows f
        CROSS JOIN LATERAL (
            SELECT * FROM posts WHERE author_id = f.followee_id
            ORDER BY created_at DESC, id DESC LIMIT $2
        ) p
        WHERE f.follower_id = $1
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT $2
        """;

    // The same, strictly older than the keyset ($3, $4): pages past what a timeline keeps in memory.
    public static readonly string TimelineOlder = $"""
        SELECT {Prefixed}
        FROM follows f
        CROSS JOIN LATERAL (
            SELECT * FROM posts WHERE author_id = f.followee_id AND (created_at, id) < ($3, $4)
            ORDER BY created_at DESC, id DESC LIMIT $2
        ) p
        WHERE f.follower_id = $1
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT $2
        """;

    // The newest entries of one author (posts_author_recent_idx); $1 author, $2 how many.
    public const string NewestEntriesOfAuthor = """
        SELECT id, author_id, created_at FROM posts WHERE author_id = $1
        ORDER BY created_at DESC, id DESC LIMIT $2
        """;

    // Trending: posts by likes since $1 (likes_recent_idx) plus $3 times their views in the hours since
    // then (post_view_buckets_recent_idx); ties newest post first. $2 how many.
    public const string Ranking = """
        WITH scores AS (
            SELECT post_id, count(*)::float8 AS score FROM likes WHERE created_at >= $1 GROUP BY post_id
            UNION ALL
            SELECT post_id, sum(views)::float8 * $3 FROM post_view_buckets WHERE bucket >= date_trunc('hour', $1) GROUP BY post_id
        ), ranked AS (
            SELECT post_id, sum(score) AS score FROM scores
            GROUP BY post_id
            ORDER BY score DESC, post_id DESC
            LIMIT $2
        )
        SELECT p.id, p.author_id, p.created_at
        FROM ranked JOIN posts p ON p.id = ranked.post_id
        ORDER BY ranked.score DESC, ranked.post_id DESC
        """;

    // Views, counted in gateways and summed by PostViewsGrain: each post's total and its hourly bucket
    // (which trending reads). $1 post ids, $2 counts, $3 the hour. Views of deleted posts match no row
    // and are dropped.
    public const string AddViews = """
        WITH v AS (
            SELECT * FROM unnest($1::uuid[], $2::bigint[]) AS v(post_id, n)
        ), counted AS (
            UPDATE posts p SET view_count = p.view_count + v.n FROM v WHERE p.id = v.post_id
            RETURNING p.id
        )
        INSERT INTO post_view_buckets (post_id, bucket, views)
        SELECT v.post_id, $3, v.n FROM v JOIN counted c ON c.id = v.post_id
        ON CONFLICT (post_id, bucket) DO UPDATE SET views = post_view_buckets.views + EXCLUDED.views
        """;

    // Hourly view buckets older than $1, at most $2, for the retention purge (post_view_buckets_recent_idx
    // on bucket, post_id). SKIP LOCKED lets every silo purge at once.
    public const string PurgeViewBuckets = """
        DELETE FROM post_view_buckets WHERE (post_id, bucket) IN (
            SELECT post_id, bucket FROM post_view_buckets WHERE bucket < $1 ORDER BY bucket LIMIT $2 FOR UPDATE SKIP LOCKED)
        """;
}
