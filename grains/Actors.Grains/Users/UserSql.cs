using Actors.Grains.Abstractions.Users;
using Actors.Grains.Data;
using Actors.Grains.Outbox;
using Npgsql;

namespace Actors.Grains.Users;

/// <summary>SQL for the users table. Each write is one statement: row, counters and outbox event commit together.</summary>
internal static class UserSql
{
    public const string Columns =
        "id, handle, email, display_name, bio, created_at, updated_at, version, follower_count, following_count, post_count, stats_version";

    public const string EmailConstraint = "users_email_key";
    public const string HandleConstraint = "users_handle_key";
    public const string PrimaryKeyConstraint = "users_pkey";

    public const string SelectById = $"SELECT {Columns} FROM users WHERE id = $1";

    // A sign-up waits for its email to be confirmed, and the statement answers the same whether or not
    // the email has an account: the event goes out either way, and only the mail it becomes differs.
    // A taken handle (public anyway) is refused. Answers whether the handle was free. Also takes the
    // outbox entry's and the idempotency key's parameters (the key may be null).
    public static readonly string RequestSignUp = $"""
        WITH taken AS (
            SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower(@email)) AS email_taken,
                   EXISTS (SELECT 1 FROM users WHERE lower(handle) = lower(@handle)) AS handle_taken
        ), created AS (
            SELECT @id::uuid AS id, email_taken FROM taken WHERE NOT handle_taken
        ), pending AS (
            INSERT INTO sign_ups (id, token_hash, handle, email, display_name, password_hash, created_at, expires_at)
            SELECT id, @token_hash, @handle, @email, @display_name, @password_hash, @now, @expires_at
            FROM created WHERE NOT email_taken
        ), {IdempotencySql.RememberKey}, announced AS (
            {OutboxSql.Announce("created", payload: SignUpPayload)}
        )
        SELECT NOT handle_taken FROM taken
        """;

    // For an email that has an account, the event loses its token and says so.
    private const string SignUpPayload =
        "CASE WHEN email_taken THEN (@event_payload - 'token') || jsonb_build_object('accountExists', true) ELSE @event_payload END";

    /// <summary>The pending sign-up the token opens, if it has not expired.</summary>
    public const string SelectSignUp = """
        SELECT handle, email, display_name FROM sign_ups
        WHERE id = @id AND token_hash = @token_hash AND expires_at > @now
        """;

    // The pending row becomes the account and its UserSignedUp event, in one statement; a taken email or
    // handle fails it whole, and the pending row stays for a retry. Answers 1 when created.
    public static readonly string ConfirmSignUp = $"""
        WITH pending AS (
            DELETE FROM sign_ups WHERE id = @id AND token_hash = @token_hash AND expires_at > @now
            RETURNING id, handle, email, display_name, password_hash
        ), created AS (
            INSERT INTO users (id, handle, email, display_name, password_hash, created_at, updated_at)
            SELECT id, handle, email, display_name, password_hash, @now, @now FROM pending
            RETURNING id
        )
        {OutboxSql.Announce("created")}
        """;

    // Optimistic concurrency in the WHERE clause: no row comes back when the version moved on. A null
    // field is left as it is. Also takes the outbox entry's parameters.
    public static readonly string Update = $"""
        WITH changed AS (
            UPDATE users SET
                handle = COALESCE(@handle, handle),
                email = COALESCE(@email, email),
                display_name = COALESCE(@display_name, display_name),
                bio = COALESCE(@bio, bio),
                updated_at = @now,
                version = version + 1
            WHERE id = @id AND version = @expected_version
            RETURNING {Columns}
        ), announced AS (
            {OutboxSql.Announce("changed")}
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

    /// <summary>Runs a statement that returns one user's counters (no row: no such user), and disposes it.</summary>
    public static async Task<UserCounters?> CountersAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await ReadCountersAsync(reader, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the counters a statement returned (no row: no such user).</summary>
    public static async Task<UserCounters?> ReadCountersAsync(NpgsqlDataReader reader, CancellationToken ct) =>
        await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadCounters(reader) : null;

    public static async Task<UserProfile?> LoadAsync(NpgsqlConnection connection, Guid id, CancellationToken ct)
    {
        await using var command = Sql.Command(connection, SelectById, Sql.Value(id));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? Read(reader) : null;
    }

    // Log-in: the account and its stored password by email (users_email_key: lower(email) is unique).
    public const string CredentialsByEmail = "SELECT id, password_hash FROM users WHERE lower(email) = lower($1)";

    // Compare-and-set: a concurrent change of the password is never overwritten by an upgrade.
    public const string UpgradePassword = "UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3";

    // Pages of all users in id (sign-up) order; $1 page size, $2 the last id of the page before.
    public const string FirstPage = $"SELECT {Columns} FROM users ORDER BY id LIMIT $1";

    public const string PageAfter = $"SELECT {Columns} FROM users WHERE id > $2 ORDER BY id LIMIT $1";

    public const string ByIds = $"SELECT {Columns} FROM users WHERE id = ANY($1)";

    // Sign-ups whose confirmation link expired (sign_ups_expires_idx), for the retention purge:
    // at most $2, older than $1 (now). SKIP LOCKED lets every silo purge at once.
    public const string PurgeExpiredSignUps = """
        DELETE FROM sign_ups WHERE id IN (
            SELECT id FROM sign_ups WHERE expires_at < $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        """;
}
