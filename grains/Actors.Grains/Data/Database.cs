using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Actors.Grains.Data;

/// <summary>
/// The one door to PostgreSQL: pooled connections from a shared data source, retries with exponential
/// backoff where a retry cannot apply a change twice, and translation of "the database is not there"
/// into <see cref="StoreUnavailableException"/> so callers answer 503 instead of failing obscurely.
/// </summary>
public sealed partial class Database(NpgsqlDataSource source, IOptions<DatabaseOptions> options, GrainMetrics metrics, ILogger<Database> logger)
{
    private readonly DatabaseOptions _options = options.Value;

    /// <summary>
    /// Runs a read. Reads change nothing, so any transient failure, also halfway through, is retried,
    /// within the operation's time budget.
    /// </summary>
    public Task<T> ReadAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> read) =>
        RunAsync(operation, read, isRead: true);

    /// <summary>
    /// Runs a write (one statement, its own transaction). Retried only when it certainly did not
    /// commit: the connection could not be opened, or the server rolled it back (serialization failure,
    /// deadlock). Any other failure after the statement was sent leaves the outcome unknown, which the
    /// exception says, so the caller can drop what it holds in memory.
    /// </summary>
    public Task<T> WriteAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> write) =>
        RunAsync(operation, write, isRead: false);

    /// <summary>
    /// Runs a write of bookkeeping whose loss in a crash only repeats work (the outbox's claims and
    /// completions: a lost one redelivers an event, which consumers tolerate). Its transaction commits
    /// with synchronous_commit off, so it does not wait for the WAL flush; retried like any write.
    /// </summary>
    public Task<T> WriteBookkeepingAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> write) =>
        RunAsync(operation, async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var relaxed = new NpgsqlCommand("SET LOCAL synchronous_commit = off", connection, transaction))
            {
                await relaxed.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            var result = await write(connection, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return result;
        }, isRead: false);

    /// <summary>True when the exception is a unique-constraint violation (SQLSTATE 23505).</summary>
    public static bool IsUniqueViolation(Exception exception, out string? constraint)
    {
        if (exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
        {
            constraint = pg.ConstraintName;
            return true;
        }

        constraint = null;
        return false;
    }

    private async Task<T> RunAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, bool isRead)
    {
        // One budget for the whole operation, retries included, kept below the gateway's grain-call
        // timeout so a caller hears "database unavailable" rather than a timeout of unknown cause.
        using var budget = new CancellationTokenSource(_options.OperationTimeout);
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            var sent = false;
            try
            {
                await using var connection = await source.OpenConnectionAsync(budget.Token).ConfigureAwait(false);
                sent = true;
                var result = await work(connection, budget.Token).ConfigureAwait(false);
                metrics.Operation(operation, isRead, "ok", started);
                return result;
            }
            catch (Exception ex) when (IsUnavailable(ex, budget.Token))
            {
                if (sent)
                {
                    // A pooled connection was dead: after a database restart or network cut its idle
                    // siblings are too, and Npgsql hands them out until each one fails once.
                    source.Clear();
                }

                var rolledBack = !sent || NeverReachedServer(ex)
                    || ex is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };
                var delay = Backoff(attempt);
                if ((!isRead && !rolledBack) || attempt >= _options.ConnectRetries || budget.IsCancellationRequested)
                {
                    metrics.Operation(operation, isRead, !isRead && !rolledBack ? "unknown" : "unavailable", started);
                    LogUnavailable(logger, operation, attempt + 1, ex);
                    throw new StoreUnavailableException($"The database is unavailable ({operation}).")
                    {
                        OutcomeUnknown = !isRead && !rolledBack,
                    };
                }

                LogRetrying(logger, operation, attempt + 1, delay.TotalMilliseconds, ex.Message);
                try
                {
                    await Task.Delay(delay, budget.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    metrics.Operation(operation, isRead, "unavailable", started);
                    LogUnavailable(logger, operation, attempt + 1, ex);
                    throw new StoreUnavailableException($"The database is unavailable ({operation}).");
                }
            }
        }
    }

    // Connection failures, timeouts and server states such as "shutting down" or "too many
    // connections"; integrity violations and SQL errors are answers, not unavailability.
    private static bool IsUnavailable(Exception ex, CancellationToken budget) => ex switch
    {
        OperationCanceledException => budget.IsCancellationRequested,
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState == "28P01",
        NpgsqlException => true,
        TimeoutException => true,
        System.Net.Sockets.SocketException => true,
        _ => false,
    };

    // Npgsql sends a statement by flushing its whole message at once. When that flush fails (the usual
    // fate of a pooled connection the network or a server restart reset), the server got at most a
    // truncated message, which it never executes: the write did not happen and may be retried.
    private static bool NeverReachedServer(Exception ex) =>
        ex is NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException } npgsql
        && npgsql.Message.StartsWith("Exception while writing", StringComparison.Ordinal);

    private TimeSpan Backoff(int attempt)
    {
        var baseMs = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt);
        // Full jitter keeps silos that lost the database together from retrying in lockstep.
        return TimeSpan.FromMilliseconds(baseMs / 2 + Random.Shared.NextDouble() * baseMs / 2);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable for {Operation}; retry {Attempt} in {DelayMs} ms: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string operation, int attempt, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Database unavailable for {Operation} after {Attempts} attempt(s)")]
    private static partial void LogUnavailable(ILogger logger, string operation, int attempts, Exception exception);
}
