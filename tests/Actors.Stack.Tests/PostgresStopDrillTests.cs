using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Actors.Stack.Tests.Infrastructure;
using Npgsql;

namespace Actors.Stack.Tests;

/// <summary>
/// PostgreSQL itself stops (fast shutdown: every connection is closed by the server) while writes and
/// reads run, and starts again. A drill: tests/run.sh runs it alone, after every other test, because
/// every stack shares that PostgreSQL.
/// </summary>
[Trait("Category", "Drill")]
public sealed class PostgresStopDrillTests
{
    [Fact]
    public async Task Stopping_PostgreSQL_under_load_answers_503_keeps_hot_reads_loses_nothing_and_recovers()
    {
        await using var stack = await Deployment.StartAsync(silos: 2);
        var (id, client, _) = await stack.NewUserAsync();
        var hot = (await (await client.PostJson("/api/posts", new { body = "hot before the stop" })).Json(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        // Read twice: the second read is admitted, which activates the post's grain and leases it.
        Assert.Equal(HttpStatusCode.OK, (await stack.Http.GetAsync($"/api/posts/{hot}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await stack.Http.GetAsync($"/api/posts/{hot}")).StatusCode);

        var acknowledged = new ConcurrentBag<Guid>();
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var hotReads = new ConcurrentDictionary<HttpStatusCode, int>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var response = await client.PostJson("/api/posts", new { body = $"drill {w}.{i}" });
                statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    acknowledged.Add((await response.Json(HttpStatusCode.Created)).GetProperty("id").GetGuid());
                }
                else
                {
                    Assert.Equal("database_unavailable", await response.ProblemCode(HttpStatusCode.ServiceUnavailable));
                    Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
                    await Task.Delay(100);
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2));
        await Shell(TestEnvironment.PostgresStop);
        try
        {
            // Hot reads are answered from memory the whole time PostgreSQL is away.
            var until = Stopwatch.StartNew();
            while (until.Elapsed < TimeSpan.FromSeconds(5))
            {
                using var read = await stack.Http.GetAsync($"/api/posts/{hot}");
                hotReads.AddOrUpdate(read.StatusCode, 1, (_, n) => n + 1);
                using var profile = await stack.Http.GetAsync($"/api/users/{id}");
                hotReads.AddOrUpdate(profile.StatusCode, 1, (_, n) => n + 1);
                await Task.Delay(50);
            }
        }
        finally
        {
            await Shell(TestEnvironment.PostgresStart);
        }

        await WaitForPostgres();
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        // The first write after the restart succeeds, whichever silo takes it.
        for (var i = 0; i < 10; i++)
        {
            using var write = await client.PostJson("/api/posts", new { body = $"after the restart {i}" });
            Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK], hotReads.Keys.ToList());
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.ServiceUnavailable) > 0, "no write met the outage");
        Assert.All(statuses.Keys, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"a write got {(int)s}"));
        await using var db = NpgsqlDataSource.Create(stack.Postgres);
        await using var command = db.CreateCommand("SELECT count(*) FROM posts WHERE id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. acknowledged] });
        Assert.Equal(acknowledged.Count, (long)(await command.ExecuteScalarAsync())!);
    }

    private static async Task Shell(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { RedirectStandardError = true })!;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"'{command}' failed: {await process.StandardError.ReadToEndAsync()}");
    }

    private static async Task WaitForPostgres()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var db = NpgsqlDataSource.Create(TestEnvironment.Postgres);
                await using var ping = db.CreateCommand("SELECT 1");
                await ping.ExecuteScalarAsync();
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(250);
            }
        }
    }
}
