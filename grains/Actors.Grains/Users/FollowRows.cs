using Npgsql;

namespace Actors.Grains.Users;

/// <summary>
/// SQL for follows. One statement changes the follow row and both users' counters, so the counters
/// always equal the rows they count. It answers one row, read by <see cref="ReadAsync"/>.
/// </summary>
internal static class FollowRows
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
            RETURNING {UserRows.CounterColumns}
        ), followee AS (
            UPDATE users SET follower_count = follower_count + 1, stats_version = stats_version + 1
            WHERE id IN (SELECT followee_id FROM changed)
            RETURNING {UserRows.CounterColumns}
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
            RETURNING {UserRows.CounterColumns}
        ), followee AS (
            UPDATE users SET follower_count = follower_count - 1, stats_version = stats_version + 1
            WHERE id IN (SELECT followee_id FROM changed)
            RETURNING {UserRows.CounterColumns}
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
            reader.IsDBNull(4) ? null : UserRows.ReadCounters(reader, first: 1),
            reader.IsDBNull(8) ? null : UserRows.ReadCounters(reader, first: 5));
    }
}
