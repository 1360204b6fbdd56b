using Actors.Grains.Outbox;

namespace Actors.Grains.Avatars;

/// <summary>SQL for avatars: one row per user, the upload and its thumbnails.</summary>
internal static class AvatarSql
{
    // A new upload replaces whatever was there and queues its thumbnails. Also takes the outbox entry's
    // parameters; its payload gets the new version, which only this statement knows.
    public static readonly string Upload = $"""
        WITH saved AS (
            INSERT INTO avatars (user_id, version, status, content_type, original, uploaded_at)
            SELECT @user_id, 1, 'processing', @content_type, @original, @now FROM users WHERE id = @user_id
            ON CONFLICT (user_id) DO UPDATE SET version = avatars.version + 1, status = 'processing', content_type = @content_type,
                original = @original, small = NULL, large = NULL, reason = NULL, uploaded_at = @now, processed_at = NULL
            RETURNING user_id, version
        ), announced AS (
            {OutboxSql.Announce("saved", aggregate: "user_id", payload: "jsonb_set(@event_payload::jsonb, '{version}', to_jsonb(version))")}
        )
        SELECT version FROM saved
        """;

    // $1 user.
    public const string Load = "SELECT version, status, small, large, reason FROM avatars WHERE user_id = $1";

    // $1 user, $2 version: the upload to work on, unless a newer one replaced it or it is done.
    public const string Original = "SELECT original FROM avatars WHERE user_id = $1 AND version = $2 AND status = 'processing'";

    // $1 user, $2 version, $3 small, $4 large, $5 now.
    public const string Ready = """
        UPDATE avatars SET status = 'ready', small = $3, large = $4, original = NULL, processed_at = $5
        WHERE user_id = $1 AND version = $2 AND status = 'processing'
        """;

    // $1 user, $2 version, $3 reason, $4 now.
    public const string Rejected = """
        UPDATE avatars SET status = 'rejected', reason = $3, original = NULL, processed_at = $4
        WHERE user_id = $1 AND version = $2 AND status = 'processing'
        """;
}
