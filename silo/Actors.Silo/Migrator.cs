using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Actors.Silo;

/// <summary>
/// Applies the versioned .sql files in Migrations/ in name order, each in its own transaction, and
/// records each in schema_migrations with a checksum. Run as an explicit step ("Actors.Silo migrate"),
/// never implicitly by a starting silo. Safe to run concurrently: a session advisory lock serializes
/// runners, and an applied file whose text changed is refused rather than silently skipped.
/// </summary>
public sealed partial class Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger)
{
    private const long LockKey = 0x4163746f7273; // "Actors"

    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "Migrations");

    /// <returns>The versions applied by this run (empty when the database was up to date).</returns>
    public async Task<IReadOnlyList<string>> ApplyAsync(string directory, CancellationToken cancellationToken = default)
    {
        var files = Directory.GetFiles(directory, "*.sql").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new InvalidOperationException($"No migrations found in {directory}.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({LockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    text        PRIMARY KEY,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken).ConfigureAwait(false);
            var applied = await ReadAppliedAsync(connection, cancellationToken).ConfigureAwait(false);
            var ran = new List<string>();
            foreach (var file in files)
            {
                var version = Path.GetFileNameWithoutExtension(file);
                var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
                var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
                if (applied.TryGetValue(version, out var appliedChecksum))
                {
                    if (appliedChecksum != checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {version} was changed after it was applied; add a new migration instead.");
                    }

                    continue;
                }

                await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
                {
                    await ExecuteAsync(connection, text, cancellationToken).ConfigureAwait(false);
                    await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)", connection);
                    record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = version });
                    record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checksum });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                LogApplied(logger, version);
                ran.Add(version);
            }

            return ran;
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<Dictionary<string, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied[reader.GetString(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version}")]
    private static partial void LogApplied(ILogger logger, string version);
}
