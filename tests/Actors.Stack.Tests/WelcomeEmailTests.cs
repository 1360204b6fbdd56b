using System.Net;
using System.Net.Http.Json;
using Actors.Stack.Tests.Infrastructure;
using Npgsql;

namespace Actors.Stack.Tests;

[Collection(StackGroup.Name)]
public sealed class WelcomeEmailTests(StackFixture fixture)
{
    [Fact]
    public async Task A_confirmation_answers_that_the_welcome_email_is_queued_and_it_arrives_over_smtp()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        var email = $"{tag}@example.test";
        (await fixture.Stack.Http.PostAsJsonAsync("/api/users",
            new { handle = $"u_{tag}", email, displayName = "New Person", password = "correct horse battery" })).EnsureSuccessStatusCode();
        var created = await fixture.Stack.ConfirmAsync(email);

        Assert.Equal("queued", created.GetProperty("welcomeEmail").GetString());
        var id = created.GetProperty("id").GetGuid();
        var mail = await fixture.Stack.Smtp.WaitForAsync(m => m.UserId == id.ToString(), TimeSpan.FromSeconds(30));
        Assert.Equal(email, mail.To);
        Assert.False((await (await fixture.Stack.Http.GetAsync($"/api/users/{id}")).Json(HttpStatusCode.OK)).TryGetProperty("welcomeEmail", out _));
    }

    [Fact]
    public async Task A_consumer_backlog_shows_as_pending_events_and_their_age_while_sign_up_still_answers_at_once()
    {
        const int SignUps = 40;
        var silo = fixture.Stack.SiloMetrics(0);
        fixture.Stack.Smtp.Delay = TimeSpan.FromSeconds(5);
        try
        {
            // Eight connections' worth of mail every 5 s: forty sign-up mails take 25 seconds and more,
            // longer than the gauges' 10-second refresh.
            var emails = new List<string>();
            for (var i = 0; i < SignUps; i++)
            {
                var tag = Guid.NewGuid().ToString("N")[..12];
                emails.Add($"{tag}@example.test");
                using var accepted = await fixture.Stack.Http.PostAsJsonAsync("/api/users",
                    new { handle = $"u_{tag}", email = emails[^1], displayName = "Backlog", password = "correct horse battery" });
                Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            }

            Assert.DoesNotContain(fixture.Stack.Smtp.Received, m => m.To == emails[^1]);
            await Metrics.WaitForAsync(silo, "actors_outbox_pending", v => v >= SignUps / 4, TimeSpan.FromSeconds(30), "the backlog shows as pending events");
            await Metrics.WaitForAsync(silo, "actors_outbox_oldest_pending_age_seconds", v => v >= 5, TimeSpan.FromSeconds(30), "the backlog's oldest event ages");
        }
        finally
        {
            fixture.Stack.Smtp.Delay = TimeSpan.Zero;
        }

        await Metrics.WaitForAsync(silo, "actors_outbox_oldest_pending_age_seconds", v => v < 2, TimeSpan.FromSeconds(60), "the backlog clears");
    }

    [Fact]
    public async Task A_refused_welcome_email_is_dead_lettered_listed_and_sent_after_the_operator_replays_it()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        var email = $"{tag}@example.test";
        (await fixture.Stack.Http.PostAsJsonAsync("/api/users",
            new { handle = $"u_{tag}", email, displayName = "Refused", password = "correct horse battery" })).EnsureSuccessStatusCode();
        var token = await fixture.Stack.ConfirmationTokenAsync(email);
        fixture.Stack.Smtp.Refuses = address => address.Equals(email, StringComparison.OrdinalIgnoreCase);
        try
        {
            var created = await (await fixture.Stack.Http.PostAsJsonAsync("/api/users/confirmations", new { token })).Json(HttpStatusCode.Created);
            var id = created.GetProperty("id").GetGuid();
            await using var db = NpgsqlDataSource.Create(fixture.Stack.Postgres);
            Guid? eventId = null;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (eventId is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                await using var query = db.CreateCommand("SELECT event_id FROM outbox WHERE aggregate_id = $1 AND dead_lettered_at IS NOT NULL");
                query.Parameters.AddWithValue(id);
                eventId = await query.ExecuteScalarAsync() as Guid?;
            }

            Assert.NotNull(eventId);
            await Metrics.WaitForAsync(fixture.Stack.SiloMetrics(0), "actors_outbox_dead_lettered", v => v >= 1, TimeSpan.FromSeconds(30),
                "the parked event shows in the dead-letter gauge");
            var (listed, list) = await fixture.Stack.SiloCommandAsync("outbox", "dead-letters");
            Assert.Equal(0, listed);
            Assert.Contains(eventId.Value.ToString(), list, StringComparison.Ordinal);
            Assert.Contains("SMTP 550", list, StringComparison.Ordinal);

            fixture.Stack.Smtp.Refuses = _ => false;
            var (replayed, output) = await fixture.Stack.SiloCommandAsync("outbox", "replay", eventId.Value.ToString());
            Assert.True(replayed == 0, output);
            var mail = await fixture.Stack.Smtp.WaitForAsync(m => m.UserId == id.ToString(), TimeSpan.FromSeconds(30));
            Assert.Equal(email, mail.To);
        }
        finally
        {
            fixture.Stack.Smtp.Refuses = _ => false;
        }
    }
}
