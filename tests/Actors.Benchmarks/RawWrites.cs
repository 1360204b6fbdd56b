using System.Diagnostics;
using Actors.Grains.Abstractions.Events;
using Actors.Grains.Data;
using Actors.Grains.Posts;
using HdrHistogram;
using Npgsql;

namespace Actors.Benchmarks;

/// <summary>
/// The raw write baseline: an Npgsql loop running the post grain's own statement (the post row, the
/// author's counter and the outbox event in one statement), prepared (Npgsql's automatic preparation,
/// as the silos use it), at the concurrency of the post write scenario. It runs against a database of its own, so no relay picks its events up: what it
/// measures is PostgreSQL committing the statement, the most a post write could reach here.
/// </summary>
internal static class RawWrites
{
    private const int Authors = 64;

    public static async Task<LoadResult> RunAsync(string connectionString, int connections, TimeSpan duration)
    {
        await using var db = new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = connections, NoResetOnClose = true, MaxAutoPrepare = 32 }.ConnectionString).Build();
        var authors = await CreateAuthorsAsync(db);

        long sequence = -1;
        long errors = 0;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var histograms = await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            var histogram = new LongHistogram(Load.MaxLatencyMicros, 3);
            await using var connection = await db.OpenConnectionAsync();
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var n = Interlocked.Increment(ref sequence);
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    await using var command = Command(connection, authors[(int)(n % authors.Count)], n);
                    await using var reader = await command.ExecuteReaderAsync();
                    if (!await reader.ReadAsync())
                    {
                        throw new InvalidOperationException("the author row was not found");
                    }
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
                {
                    if (Interlocked.Increment(ref errors) == 1)
                    {
                        Console.WriteLine($"  first error of the raw write baseline: {ex.Message}");
                    }
                }

                histogram.RecordValue(Math.Min(Load.MaxLatencyMicros, (long)Stopwatch.GetElapsedTime(sent).TotalMicroseconds));
            }

            return histogram;
        }));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var total = Load.Merge(histograms);
        return new LoadResult("post write", "raw Npgsql: the post statement, prepared", $"closed, {connections} conn", total.TotalCount / elapsed, total, errors);
    }

    // The statement with the parameters the post grain binds, fresh ids and a fresh event each time.
    private static NpgsqlCommand Command(NpgsqlConnection connection, Guid author, long n)
    {
        var id = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        var command = new NpgsqlCommand(PostSql.Insert, connection);
        command.Parameters.Add(Sql.Value("id", id));
        command.Parameters.Add(Sql.Value("author_id", author));
        command.Parameters.Add(Sql.Value("body", $"Benchmark post {n}: a sentence of ordinary length, like people write."));
        command.Parameters.Add(Sql.Value("now", now));
        OutboxEntry.For(new PostCreated(Guid.CreateVersion7(), id, author, now)).AddParameters(command.Parameters);
        command.Parameters.AddRange(IdempotencySql.Parameters(null));
        return command;
    }

    private static async Task<List<Guid>> CreateAuthorsAsync(NpgsqlDataSource db)
    {
        var run = Stopwatch.GetTimestamp() % 1_000_000_000;
        var ids = Enumerable.Range(0, Authors).Select(_ => Guid.CreateVersion7()).ToList();
        await using var command = db.CreateCommand("""
            INSERT INTO users (id, handle, email, display_name, password_hash, created_at, updated_at)
            SELECT id, $2 || n, $2 || n || '@raw.test', 'Raw writer', 'pbkdf2-sha256$1$c2VlZA==$c2VlZA==', now(), now()
            FROM unnest($1::uuid[]) WITH ORDINALITY AS a(id, n)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ids] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"raw{run:x}_" });
        await command.ExecuteNonQueryAsync();
        return ids;
    }
}
