using Actors.Grains.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Actors.Grains.Data;

/// <summary>The idempotency_keys table's statements: recording a key with the write it created, looking it up, purging old ones.</summary>
internal static class IdempotencySql
{
    public const string Constraint = "idempotency_keys_pkey";

    /// <summary>
    /// The CTE that records an idempotency key for the row a "created" CTE returned; it inserts nothing
    /// when the key is null. Parameters: those of <see cref="Parameters"/> and <c>@now</c>.
    /// </summary>
    public const string RememberKey = """
        remembered AS (
            INSERT INTO idempotency_keys (scope, key, request_hash, resource_id, created_at)
            SELECT @idempotency_scope, @idempotency_key, @idempotency_hash, id, @now FROM created
            WHERE @idempotency_key::text IS NOT NULL
        )
        """;

    /// <summary><c>@idempotency_scope</c>, <c>@idempotency_key</c> and <c>@idempotency_hash</c> of an optional key, for <see cref="RememberKey"/>.</summary>
    public static NpgsqlParameter[] Parameters(IdempotencyKey? key) =>
    [
        Sql.Text("idempotency_scope", key?.Scope),
        Sql.Text("idempotency_key", key?.Key),
        new("idempotency_hash", NpgsqlDbType.Bytea) { Value = (object?)key?.RequestHash ?? DBNull.Value },
    ];

    public const string ByKey = "SELECT request_hash, resource_id FROM idempotency_keys WHERE scope = $1 AND key = $2";

    // Keys older than $1, at most $2, for the retention purge (idempotency_keys_created_idx). SKIP
    // LOCKED lets every silo purge at once.
    public const string Purge = """
        DELETE FROM idempotency_keys WHERE (scope, key) IN (
            SELECT scope, key FROM idempotency_keys WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        """;
}
