using Actors.Grains.Data;
using Actors.Grains.Users;
using Npgsql;

namespace Actors.Grains.Users;

/// <summary>SQL for the users table. Each write is one statement: row, counters and outbox event commit together.</summary>
internal static class UserRows
{
    public const string Columns =
        "id, handle, email, display_name, bio, created_at, updated_at, version, follower_count, following_count, post_count, stats_version";

    public const string EmailConstraint = "users_email_key";
    public const string HandleConstraint = "users_handle_key";
    public const string PrimaryKeyConstraint = "users_pkey";

    public const string SelectById = $"SELECT {Columns} FROM users WHERE id = $1";

    // $1 id, $2 handle, $3 email, $4 display name, $5 password hash, $6 now, $7..$9 outbox entry,
    // $10..$12 idempotency key (may be null).
    public static readonly string Insert = $"""
        WITH created AS (
            INSERT INTO users (id, handle, email, display_name, password_hash, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $6)
            RETURNING id
        ), {Sql.RememberKey(10, 11, 12, 6)}
        INSERT INTO outbox (event_id, event_type, aggregate_id, payload, occurred_at)
        SELECT $7, $8, id, $9, $6 FROM created
        """;

    // Optimistic concurrency in the WHERE clause: no row comes back when the version moved on.
    // $1 id, $2 expected version, $3 handle, $4 email, $5 display name, $6 bio, $7 now, $8..$10 outbox entry.
    public const string Update = $"""
        WITH changed AS (
            UPDATE users SET
                handle = COALESCE($3, handle),
                email = COALESCE($4, email),
                display_name = COALESCE($5, display_name),
                bio = COALESCE($6, bio),
                updated_at = $7,
                version = version + 1
            WHERE id = $1 AND version = $2
            RETURNING {Columns}
        ), announced AS (
            INSERT INTO outbox (event_id, event_type, aggregate_id, payload, occurred_at)
            SELECT $8, $9, id, $10, $7 FROM changed
        )
        SELECT {Columns} FROM changed
        """;

    public static UserProfile Read(NpgsqlDataReader r) => new(
        r.GetGuid(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        r.GetFieldValue<DateTimeOffset>(5),
        r.GetFieldValue<DateTimeOffset>(6),
        r.GetInt64(7),
        new UserCounters(r.GetInt32(8), r.GetInt32(9), r.GetInt32(10), r.GetInt64(11)));

    /// <summary>Reads the counters of a "RETURNING follower_count, following_count, post_count, stats_version".</summary>
    public static UserCounters ReadCounters(NpgsqlDataReader r, int first = 0) =>
        new(r.GetInt32(first), r.GetInt32(first + 1), r.GetInt32(first + 2), r.GetInt64(first + 3));

    public const string CounterColumns = "follower_count, following_count, post_count, stats_version";

    public static async Task<UserProfile?> LoadAsync(NpgsqlConnection connection, Guid id, CancellationToken ct)
    {
        await using var command = Sql.Command(connection, SelectById, Sql.Value(id));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? Read(reader) : null;
    }
}
