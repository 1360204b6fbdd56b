using Actors.Grains.Posts;
using Actors.Grains.Users;
using Npgsql;

namespace Actors.Grains.Feeds;

/// <summary>SQL behind timelines, fan-out, trending and batch loads. Every statement is served by an index.</summary>
internal static class FeedRows
{
    private static readonly string P = string.Join(", ", PostRows.Columns.Split(", ").Select(c => "p." + c));

    // Who the user follows, and which of them are too widely followed to be fanned out.
    // $1 user, $2 fan-out limit. Primary key of follows, then the users primary key.
    public const string Followees = """
        SELECT f.followee_id, u.follower_count >= $2
        FROM follows f JOIN users u ON u.id = f.followee_id
        WHERE f.follower_id = $1
        """;

    // A rebuild: the newest entries of everyone the user follows, read from posts_author_recent_idx
    // alone (per followee a walk that stops after $2 rows, merged, cut to $2), plus the post columns
    // for the first $3 of them, the page about to be shown, fetched by primary key.
    // $1 user, $2 how many entries, $3 how many with their posts.
    public const string Rebuild = """
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
    public static readonly string Newest = $"""
        SELECT {P}
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
    public static readonly string Older = $"""
        SELECT {P}
        FROM follows f
        CROSS JOIN LATERAL (
            SELECT * FROM posts WHERE author_id = f.followee_id AND (created_at, id) < ($3, $4)
            ORDER BY created_at DESC, id DESC LIMIT $2
        ) p
        WHERE f.follower_id = $1
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT $2
        """;

    // Followers to fan out to, by the reverse index; $1 authors.
    public const string Followers = "SELECT followee_id, follower_id FROM follows WHERE followee_id = ANY($1)";

    // $1 author, $2 how many.
    public const string ByAuthor = """
        SELECT id, author_id, created_at FROM posts WHERE author_id = $1
        ORDER BY created_at DESC, id DESC LIMIT $2
        """;

    public const string PostsByIds = $"SELECT {PostRows.Columns} FROM posts WHERE id = ANY($1)";

    public const string UsersByIds = $"SELECT {UserRows.Columns} FROM users WHERE id = ANY($1)";

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

    public static TimelineEntry EntryOf(Post post) => new(post.Id, post.AuthorId, post.CreatedAt);
}
