using System.Diagnostics;
using Actors.Grains.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Actors.Grains.Data;

/// <summary>
/// The one door to PostgreSQL: pooled connections from a shared data source, retries (a Polly pipeline)
/// with exponential backoff and jitter where a retry cannot apply a change twice, and translation of "the database is not there"
/// into <see cref="StoreUnavailableException"/> so callers answer 503 instead of failing obscurely.
/// </summary>
public sealed partial class Database(NpgsqlDataSource source, IOptions<DatabaseOptions> options, GrainMetrics metrics, ILogger<Database> logger)
{
    private readonly DatabaseOptions _options = options.Value;
    private ResiliencePipeline? _pipeline;

    private ResiliencePipeline Retries => _pipeline ??= BuildRetries();

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
        var attempts = 0;
        try
        {
            var result = await Retries.ExecuteAsync(async ct =>
            {
                attempts++;
                var sent = false;
                try
                {
                    await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
                    sent = true;
                    return await work(connection, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsUnavailable(ex, ct))
                {
                    if (sent)
                    {
                        // A pooled connection was dead: after a database restart or network cut its idle
                        // siblings are too, and Npgsql hands them out until each one fails once.
                        source.Clear();
                    }

                    var rolledBack = !sent || NeverReachedServer(ex)
                        || ex is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };
                    // Only what certainly did not change anything goes back to the retry pipeline.
                    throw isRead || rolledBack ? new Retryable(operation, ex) : new Unavailable(operation, ex, outcomeUnknown: true);
                }
            }, budget.Token).ConfigureAwait(false);
            metrics.Operation(operation, isRead, "ok", started);
            return result;
        }
        catch (Exception ex) when (ex is Retryable or Unavailable || (ex is OperationCanceledException && budget.IsCancellationRequested))
        {
            var outcomeUnknown = ex is Unavailable { OutcomeUnknown: true };
            metrics.Operation(operation, isRead, outcomeUnknown ? "unknown" : "unavailable", started);
            LogUnavailable(logger, operation, attempts, ex.InnerException ?? ex);
            throw new StoreUnavailableException($"The database is unavailable ({operation}).") { OutcomeUnknown = outcomeUnknown };
        }
    }

    /// <summary>
    /// The retry pipeline (Polly): exponential backoff from <see cref="DatabaseOptions.RetryBaseDelay"/>
    /// with jitter, so silos that lost the database together do not retry in lockstep, at most
    /// <see cref="DatabaseOptions.ConnectRetries"/> times, and only for <see cref="Retryable"/>
    /// failures: reads, and writes that certainly did not run.
    /// </summary>
    private ResiliencePipeline BuildRetries() => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Retryable>(),
            MaxRetryAttempts = Math.Max(1, _options.ConnectRetries),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.RetryBaseDelay,
            OnRetry = args =>
            {
                var failure = (Retryable)args.Outcome.Exception!;
                LogRetrying(logger, failure.Operation, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, failure.InnerException!.Message);
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    /// <summary>A failure of an attempt that changed nothing: the pipeline may try again.</summary>
    private sealed class Retryable(string operation, Exception inner) : Exception(inner.Message, inner)
    {
        public string Operation { get; } = operation;
    }

    /// <summary>A failure after a write was sent: never retried, its outcome unknown.</summary>
    private sealed class Unavailable(string operation, Exception inner, bool outcomeUnknown) : Exception($"{operation}: {inner.Message}", inner)
    {
        public bool OutcomeUnknown { get; } = outcomeUnknown;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable for {Operation}; retry {Attempt} in {DelayMs} ms: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string operation, int attempt, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Database unavailable for {Operation} after {Attempts} attempt(s)")]
    private static partial void LogUnavailable(ILogger logger, string operation, int attempts, Exception exception);
}
