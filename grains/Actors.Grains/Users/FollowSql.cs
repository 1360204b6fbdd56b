using Npgsql;

namespace Actors.Grains.Users;

/// <summary>
/// SQL for follows. One statement changes the follow row and both users' counters, so the counters
/// always equal the rows they count. It answers one row, read by <see cref="ReadAsync"/>.
/// </summary>
internal static class FollowSql
{
    // $1 follower, $2 followee, $3 now.
    public const string Follow = $"""
        WITH target AS (
            SELECT id FROM users WHERE id = $2
        ), changed AS (
            INSERT INTO follows (follower_id, followee_id, created_at)
            SELECT $1, id, $3 FROM target
            ON CONFLICT DO NOTHING
            RETURNING followee_id
        ), follower AS (
            UPDATE users SET following_count = following_count + 1, stats_version = stats_version + 1
            WHERE id = $1 AND EXISTS (SELECT 1 FROM changed)
            RETURNING {UserSql.CounterColumns}
        ), followee AS (
            UPDATE users SET follower_count = follower_count + 1, stats_version = stats_version + 1
            WHERE id IN (SELECT followee_id FROM changed)
            RETURNING {UserSql.CounterColumns}
        )
        {Answer}
        """;

    // $1 follower, $2 followee.
    public const string Unfollow = $"""
        WITH target AS (
            SELECT id FROM users WHERE id = $2
        ), changed AS (
            DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2
            RETURNING followee_id
        ), follower AS (
            UPDATE users SET following_count = following_count - 1, stats_version = stats_version + 1
            WHERE id = $1 AND EXISTS (SELECT 1 FROM changed)
            RETURNING {UserSql.CounterColumns}
        ), followee AS (
            UPDATE users SET follower_count = follower_count - 1, stats_version = stats_version + 1
            WHERE id IN (SELECT followee_id FROM changed)
            RETURNING {UserSql.CounterColumns}
        )
        {Answer}
        """;

    // Whether the followed user exists, then each side's counters when they changed (nulls otherwise).
    private const string Answer = """
        SELECT EXISTS (SELECT 1 FROM target),
            follower.follower_count, follower.following_count, follower.post_count, follower.stats_version,
            followee.follower_count, followee.following_count, followee.post_count, followee.stats_version
        FROM (SELECT 1) AS one
        LEFT JOIN follower ON true
        LEFT JOIN followee ON true
        """;

    public static async Task<FollowChange> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return new FollowChange(
            reader.GetBoolean(0),
            reader.IsDBNull(4) ? null : UserSql.ReadCounters(reader, first: 1),
            reader.IsDBNull(8) ? null : UserSql.ReadCounters(reader, first: 5));
    }

    // Pages of a user's followers (the reverse index followee_id, follower_id) and of whom a user
    // follows (the primary key), with the users' rows. $1 page size, $2 user, $3 the last id before.
    private static readonly string U = string.Join(", ", UserSql.Columns.Split(", ").Select(c => "u." + c));
    public static readonly string FollowersFirstPage = $"SELECT {U} FROM follows f JOIN users u ON u.id = f.follower_id WHERE f.followee_id = $2 ORDER BY f.follower_id LIMIT $1";
    public static readonly string FollowersPageAfter = $"SELECT {U} FROM follows f JOIN users u ON u.id = f.follower_id WHERE f.followee_id = $2 AND f.follower_id > $3 ORDER BY f.follower_id LIMIT $1";
    public static readonly string FollowingFirstPage = $"SELECT {U} FROM follows f JOIN users u ON u.id = f.followee_id WHERE f.follower_id = $2 ORDER BY f.followee_id LIMIT $1";
    public static readonly string FollowingPageAfter = $"SELECT {U} FROM follows f JOIN users u ON u.id = f.followee_id WHERE f.follower_id = $2 AND f.followee_id > $3 ORDER BY f.followee_id LIMIT $1";

    // Who the user follows, and which of them are too widely followed to be fanned out.
    // $1 user, $2 fan-out limit. Primary key of follows, then the users primary key.
    public const string Followees = """
        SELECT f.followee_id, u.follower_count >= $2
        FROM follows f JOIN users u ON u.id = f.followee_id
        WHERE f.follower_id = $1
        """;

    // Followers to fan out to, by the reverse index; $1 authors.
    public const string FollowersOf = "SELECT followee_id, follower_id FROM follows WHERE followee_id = ANY($1)";
}
