namespace Actors.Grains.Users;

/// <summary>
/// SQL for follows. One statement changes the follow row and both users' counters, so the counters
/// always equal the rows they count. It answers one row per user whose counters changed ("follower",
/// "followee"), plus a "target" row when the followed user exists.
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

    private const string Answer = $"""
        SELECT 'target', 0, 0, 0, 0::bigint FROM target
        UNION ALL SELECT 'follower', {UserRows.CounterColumns} FROM follower
        UNION ALL SELECT 'followee', {UserRows.CounterColumns} FROM followee
        """;
}
