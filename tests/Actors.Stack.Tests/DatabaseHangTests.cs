using System.Net;
using Actors.Stack.Tests.Infrastructure;
using Npgsql;

namespace Actors.Stack.Tests;

/// <summary>
/// PostgreSQL stops answering without closing anything (a hung server or network): writes whose
/// outcome is unknown say so, and a retry with the same Idempotency-Key after the hang creates the
/// post exactly once. Its own stack, with a gateway whose grain-call timeout is below the database's
/// time budget, so both ends of the unknown outcome are exercised.
/// </summary>
public sealed class DatabaseHangTests
{
    private const string Hint = "may or may not have been saved";
    private static readonly string[] Unavailable = ["database_unavailable", "cluster_unavailable"];

    [Fact]
    public async Task A_write_caught_in_a_hang_answers_503_outcome_unknown_and_its_retry_creates_it_once()
    {
        await using var stack = await Deployment.StartAsync(silos: 1);
        var (author, client, _) = await stack.NewUserAsync();
        var impatient = await stack.StartExtraGatewayAsync(new Dictionary<string, string> { ["Gateway__GrainCallTimeout"] = "00:00:02" });
        var token = client.DefaultRequestHeaders.Authorization;
        impatient.DefaultRequestHeaders.Authorization = token;

        string first, second;
        try
        {
            stack.Database.Hang();

            // The statement was sent and nothing came back. Whichever gives up first, the silo's database
            // budget (5 s, with Npgsql's cancel attempt on top) or the gateway (10 s), says the same.
            using (var write = await Post(client, "slow", "hang-1"))
            {
                Assert.Contains(await write.ProblemCode(HttpStatusCode.ServiceUnavailable), Unavailable);
                first = await write.Content.ReadAsStringAsync();
            }

            // The gateway gives up first (2 s) while the grain is still waiting: outcome unknown too.
            using (var write = await Post(impatient, "slower", "hang-2"))
            {
                Assert.Equal("cluster_unavailable", await write.ProblemCode(HttpStatusCode.ServiceUnavailable));
                Assert.True(write.Headers.RetryAfter?.Delta > TimeSpan.Zero);
                second = await write.Content.ReadAsStringAsync();
            }
        }
        finally
        {
            stack.Database.Restore();
        }

        Assert.Contains(Hint, first, StringComparison.Ordinal);
        Assert.Contains(Hint, second, StringComparison.Ordinal);

        // Retried with their keys, as the hint says: each post exists once.
        foreach (var (body, key) in new[] { ("slow", "hang-1"), ("slower", "hang-2") })
        {
            using var retry = await Post(client, body, key);
            Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        }

        await using var db = NpgsqlDataSource.Create(stack.Postgres);
        await using var count = db.CreateCommand("SELECT body, count(*) FROM posts WHERE author_id = $1 GROUP BY body ORDER BY body");
        count.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = author });
        await using var reader = await count.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add($"{reader.GetString(0)}:{reader.GetInt64(1)}");
        }

        Assert.Equal(["slow:1", "slower:1"], rows);
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, string body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts") { Content = System.Net.Http.Json.JsonContent.Create(new { body }) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }
}
