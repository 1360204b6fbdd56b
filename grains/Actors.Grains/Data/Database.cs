using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Actors.Grains.Data;

/// <summary>
/// The one door to PostgreSQL: pooled connections from a shared data source, retries with exponential
/// backoff where a retry cannot apply a change twice, and translation of "the database is not there"
/// into <see cref="StoreUnavailableException"/> so callers answer 503 instead of failing obscurely.
/// </summary>
public sealed partial class Database(NpgsqlDataSource source, IOptions<DatabaseOptions> options, ILogger<Database> logger)
{
    private readonly DatabaseOptions _options = options.Value;

    /// <summary>
    /// Runs a read. Reads change nothing, so any transient failure, also halfway through, is retried.
    /// </summary>
    public Task<T> ReadAsync<T>(string operation, Func<NpgsqlConnection, Task<T>> read) =>
        RunAsync(operation, read, retryWholeOperation: true);

    /// <summary>
    /// Runs a write. Only failures to connect are retried: once a statement was sent, a broken connection
    /// leaves its outcome unknown, and the caller must not be told it failed when it may have committed.
    /// </summary>
    public Task<T> WriteAsync<T>(string operation, Func<NpgsqlConnection, Task<T>> write) =>
        RunAsync(operation, write, retryWholeOperation: false);

    /// <summary>True when the exception is a violated integrity constraint (SQLSTATE class 23).</summary>
    public static bool IsConstraintViolation(Exception exception, out string? constraint)
    {
        if (exception is PostgresException { SqlState: var state } pg && state.StartsWith("23", StringComparison.Ordinal))
        {
            constraint = pg.ConstraintName;
            return true;
        }

        constraint = null;
        return false;
    }

    private async Task<T> RunAsync<T>(string operation, Func<NpgsqlConnection, Task<T>> work, bool retryWholeOperation)
    {
        for (var attempt = 0; ; attempt++)
        {
            var connected = false;
            try
            {
                await using var connection = await source.OpenConnectionAsync().ConfigureAwait(false);
                connected = true;
                return await work(connection).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsUnavailable(ex))
            {
                if (connected)
                {
                    // A pooled connection was dead: after a database restart or network cut its idle
                    // siblings are too, and Npgsql hands them out until each one fails once.
                    source.Clear();
                }

                var retryable = !connected || retryWholeOperation;
                if (!retryable || attempt >= _options.ConnectRetries)
                {
                    LogUnavailable(logger, operation, attempt + 1, ex);
                    throw new StoreUnavailableException($"The database is unavailable ({operation}).");
                }

                var delay = Backoff(attempt);
                LogRetrying(logger, operation, attempt + 1, delay.TotalMilliseconds, ex.Message);
                await Task.Delay(delay).ConfigureAwait(false);
            }
        }
    }

    // Connection failures, timeouts and server states such as "shutting down" or "too many
    // connections"; integrity violations and SQL errors are answers, not unavailability.
    private static bool IsUnavailable(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState == "28P01",
        NpgsqlException => true,
        TimeoutException => true,
        System.Net.Sockets.SocketException => true,
        _ => false,
    };

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
