using Npgsql;
using NpgsqlTypes;

namespace Actors.Grains.Data;

/// <summary>Small helpers for positional-parameter commands.</summary>
internal static class Sql
{
    public static NpgsqlCommand Command(NpgsqlConnection connection, string text, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(text, connection);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    /// <summary>The scope, key and request-hash parameters of an optional idempotency key, in that order.</summary>
    public static NpgsqlParameter[] Idempotency(IdempotencyKey? key) =>
    [
        Text(key?.Scope),
        Text(key?.Key),
        new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)key?.RequestHash ?? DBNull.Value },
    ];

    /// <summary>
    /// The CTE that records an idempotency key for the row a "created" CTE returned; it inserts nothing
    /// when the key parameter is null. Parameters: scope, key, request hash, creation time.
    /// </summary>
    public static string RememberKey(int scope, int key, int hash, int now) => $"""
        remembered AS (
            INSERT INTO idempotency_keys (scope, key, request_hash, resource_id, created_at)
            SELECT ${scope}, ${key}, ${hash}, id, ${now} FROM created WHERE ${key}::text IS NOT NULL
        )
        """;

    public const string IdempotencyConstraint = "idempotency_keys_pkey";

    /// <summary>A text parameter that may be null (positional parameters need their type spelled out).</summary>
    public static NpgsqlParameter Text(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    /// <summary>Runs the command (and disposes it), reading every row.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var rows = new List<T>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
    }
}
