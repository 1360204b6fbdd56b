namespace Actors.Grains.Data;

/// <summary>
/// The purges, one per table: each deletes at most $2 rows older than $1, oldest first, through the
/// index on its age column. SKIP LOCKED lets every silo purge at once without waiting on each other.
/// </summary>
internal static class RetentionSql
{
    // outbox_processed_idx; a strict comparison on processed_at implies the index's IS NOT NULL.
    public const string ProcessedEvents = """
        DELETE FROM outbox WHERE seq IN (
            SELECT seq FROM outbox WHERE processed_at < $1 ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        """;

    // idempotency_keys_created_idx.
    public const string IdempotencyKeys = """
        DELETE FROM idempotency_keys WHERE (scope, key) IN (
            SELECT scope, key FROM idempotency_keys WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        """;

    // post_view_buckets_recent_idx (bucket, post_id).
    public const string ViewBuckets = """
        DELETE FROM post_view_buckets WHERE (post_id, bucket) IN (
            SELECT post_id, bucket FROM post_view_buckets WHERE bucket < $1 ORDER BY bucket LIMIT $2 FOR UPDATE SKIP LOCKED)
        """;

    // sign_ups_expires_idx. Called with $1 = now: an expired sign-up's link no longer works.
    public const string ExpiredSignUps = """
        DELETE FROM sign_ups WHERE id IN (
            SELECT id FROM sign_ups WHERE expires_at < $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        """;
}
