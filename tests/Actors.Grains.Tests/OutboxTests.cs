using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Events;
using Actors.Grains.Abstractions.Users;
using Actors.Grains.Email;
using Actors.Grains.Outbox;
using Actors.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Tests;

/// <summary>The outbox relay and its consumers, against real PostgreSQL and a real SMTP server.</summary>
[Collection(SharedCluster.Name)]
public sealed class OutboxTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Sign_up_answers_before_a_slow_smtp_server_has_the_welcome_email_which_arrives_later()
    {
        fixture.Smtp.Delay = TimeSpan.FromSeconds(2);
        try
        {
            var user = Fresh.User();
            var id = Fresh.Id();
            var result = await fixture.Grains.GetGrain<IUserGrain>(id).SignUpAsync(user);
            var answeredAt = DateTimeOffset.UtcNow;

            Assert.True(result.Succeeded);
            Assert.DoesNotContain(fixture.Smtp.Received, m => m.UserId == id.ToString());
            var mail = await fixture.Smtp.WaitForAsync(m => m.UserId == id.ToString(), TimeSpan.FromSeconds(30));
            Assert.True(mail.ReceivedAt > answeredAt);
            Assert.Equal(user.Email, mail.To);
            Assert.StartsWith("Welcome to Actors", mail.Subject);
            await AssertProcessedOnce(id, "UserSignedUp");
        }
        finally
        {
            fixture.Smtp.Delay = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task A_failing_smtp_server_is_retried_with_backoff_until_it_accepts_the_mail()
    {
        var user = Fresh.User();
        var id = Fresh.Id();
        var secret = await RequestedAsync(id, user);
        fixture.Smtp.FailNext(user.Email, 2);
        await fixture.Grains.GetGrain<IUserGrain>(id).ConfirmSignUp(secret);

        await fixture.Smtp.WaitForAsync(m => m.UserId == id.ToString(), TimeSpan.FromSeconds(30));
        // The server has the mail a moment before the consumer marks the event done.
        var done = await Poll.UntilAsync(() => Event(id, "UserSignedUp"), e => e.Processed, "the event is marked processed");
        Assert.Equal(3, done.Attempts);
        Assert.Single(fixture.Smtp.Received, m => m.UserId == id.ToString());
    }

    [Fact]
    public async Task A_poison_event_is_parked_after_its_attempts_and_delivered_once_replayed_after_the_fix()
    {
        var user = Fresh.User();
        var id = Fresh.Id();
        var secret = await RequestedAsync(id, user);
        fixture.Smtp.Refuses = address => address.Equals(user.Email, StringComparison.OrdinalIgnoreCase);
        try
        {
            await fixture.Grains.GetGrain<IUserGrain>(id).ConfirmSignUp(secret);
            var eventId = await Poll.UntilAsync(() => DeadLettered(id), e => e is not null, "the event is dead-lettered");

            var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<OutboxStore>();
            var parked = Assert.Single(await store.DeadLettersAsync(1000), d => d.EventId == eventId);
            Assert.Equal(ClusterFixture.MaxFailures, parked.Failures);
            Assert.Contains("550", parked.LastError, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.Smtp.Received, m => m.UserId == id.ToString());

            fixture.Smtp.Refuses = _ => false;
            Assert.Equal([eventId!.Value], await store.ReplayAsync(eventId));
            var mail = await fixture.Smtp.WaitForAsync(m => m.UserId == id.ToString(), TimeSpan.FromSeconds(30));
            Assert.Equal(WelcomeEmail.MessageIdOf(eventId.Value), mail.MessageId);
            await AssertProcessedOnce(id, "UserSignedUp");
        }
        finally
        {
            fixture.Smtp.Refuses = _ => false;
        }
    }

    [Fact]
    public async Task A_delivery_of_an_event_already_done_or_claimed_again_since_sends_nothing()
    {
        var id = Fresh.Id();
        await fixture.Grains.GetGrain<IUserGrain>(id).SignUpAsync(Fresh.User());
        await AssertProcessedOnce(id, "UserSignedUp");
        var (eventId, e, _, _) = await Event(id, "UserSignedUp");
        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        var partitions = silo.GetRequiredService<IOptions<OutboxOptions>>().Value.Partitions;
        var stream = silo.GetRequiredService<IClusterClient>().GetStreamProvider(StreamNames.Provider)
            .GetStream<OutboxDelivery>(EventRoutes.StreamFor(EventRoutes.AccountMail, id, partitions));

        // A later sign-up on the same stream: one consumer takes the stream in order, so once its mail
        // is in, every copy published before it has been handled.
        async Task AfterWhatWasPublished()
        {
            Guid next;
            do
            {
                next = Fresh.Id();
            }
            while (EventRoutes.StreamFor(EventRoutes.AccountMail, next, partitions) != stream.StreamId);
            await fixture.Grains.GetGrain<IUserGrain>(next).SignUpAsync(Fresh.User());
            await fixture.Smtp.WaitForAsync(m => m.UserId == next.ToString(), TimeSpan.FromSeconds(30));
        }

        // A copy of the finished delivery, as one still queued behind an expired lease would arrive.
        await stream.OnNextAsync(new OutboxDelivery(e, 1));
        await AfterWhatWasPublished();
        Assert.Single(fixture.Smtp.Received, m => m.UserId == id.ToString());

        // The event claimed again (attempt 2, not due for an hour so no relay takes it): the first
        // attempt's copy is stale, and only the second attempt's delivery is applied.
        await Rows.ExecuteAsync(fixture.Db,
            "UPDATE outbox SET processed_at = NULL, attempts = 2, next_attempt_at = now() + interval '1 hour' WHERE event_id = $1", eventId);
        await stream.OnNextAsync(new OutboxDelivery(e, 1));
        await stream.OnNextAsync(new OutboxDelivery(e, 2));
        await AfterWhatWasPublished();

        Assert.True((await Event(id, "UserSignedUp")).Processed);
        Assert.Equal(2, fixture.Smtp.Received.Count(m => m.UserId == id.ToString()));
        Assert.All(fixture.Smtp.Received.Where(m => m.UserId == id.ToString()), m => Assert.Equal(WelcomeEmail.MessageIdOf(eventId), m.MessageId));
    }

    [Fact]
    public async Task Relays_claiming_at_the_same_moment_never_get_the_same_event()
    {
        // 500 events that all fall due at once, raced for by eight claimers besides the silos' relays.
        var ids = Enumerable.Range(0, 500).Select(_ => Fresh.Id()).ToArray();
        await Rows.ExecuteAsync(fixture.Db, """
            INSERT INTO outbox (event_id, event_type, aggregate_id, payload, occurred_at, next_attempt_at)
            SELECT gen_random_uuid(), 'UserProfileUpdated', id,
                   jsonb_build_object('eventId', gen_random_uuid(), 'userId', id, 'version', 2, 'occurredAt', now()), now(),
                   now() + interval '1 second'
            FROM unnest($1::uuid[]) AS id
            """, ids);
        var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<OutboxStore>();
        var mine = ids.ToHashSet();
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var got = new List<Guid>();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < deadline && await Pending(ids) > 0)
            {
                var batch = await store.ClaimAsync($"test-claimer-{i}");
                await store.CompleteAsync([.. batch.Select(c => c.EventId)]);
                got.AddRange(batch.Where(c => mine.Contains(AggregateOf(c))).Select(c => c.EventId));
            }

            return got;
        }));

        Assert.Equal(0, await Pending(ids));
        var claimed = claims.SelectMany(c => c).ToList();
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        Assert.True(claims.Count(c => c.Count > 0) >= 2, "the claimers really raced");
        Assert.Equal(0L, await Rows.ScalarAsync<long>(fixture.Db,
            "SELECT count(*) FROM outbox WHERE aggregate_id = ANY($1) AND attempts <> 1", ids));
    }

    [Fact]
    public async Task Completions_share_one_statement_and_finish_each_event_once()
    {
        // 20 events handed out (attempt 2), not due for an hour so no relay takes them.
        var ids = Enumerable.Range(0, 20).Select(_ => Fresh.Id()).ToArray();
        await Rows.ExecuteAsync(fixture.Db, """
            INSERT INTO outbox (event_id, event_type, aggregate_id, payload, occurred_at, next_attempt_at, attempts)
            SELECT gen_random_uuid(), 'UserProfileUpdated', id,
                   jsonb_build_object('eventId', gen_random_uuid(), 'userId', id, 'version', 2, 'occurredAt', now()), now(),
                   now() + interval '1 hour', 2
            FROM unnest($1::uuid[]) AS id
            """, ids);
        var events = new List<Guid>();
        foreach (var id in ids)
        {
            events.Add((await Rows.ScalarAsync<Guid?>(fixture.Db, "SELECT event_id FROM outbox WHERE aggregate_id = $1", id))!.Value);
        }

        var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<OutboxStore>();
        bool[] done;
        using (var trace = SqlTrace.Start())
        {
            // The first event delivered twice at once: only one of its deliveries finishes it.
            done = await Task.WhenAll(events.Prepend(events[0]).Select(store.CompleteAsync));
            Assert.Single(trace.Statements, s => s.Contains("UPDATE outbox", StringComparison.Ordinal));
        }

        Assert.Equal(20, done.Count(d => d));
        Assert.Single(new[] { done[0], done[1] }, d => d);
        Assert.Equal(20L, await Rows.ScalarAsync<long>(fixture.Db,
            "SELECT count(*) FROM outbox WHERE aggregate_id = ANY($1) AND processed_at IS NOT NULL", ids));

        // A repeat of a finished delivery finishes nothing.
        Assert.False(await store.CompleteAsync(events[0]));
    }

    private Task<long> Pending(Guid[] aggregates) => Rows.ScalarAsync<long>(fixture.Db,
        "SELECT count(*) FROM outbox WHERE aggregate_id = ANY($1) AND processed_at IS NULL", aggregates);

    private static Guid AggregateOf(ClaimedEvent claimed) =>
        Data.OutboxEntry.Decode(claimed.EventType, claimed.Payload) is { } e ? e.AggregateId : Guid.Empty;

    [Fact]
    public async Task A_failure_that_retrying_cannot_fix_parks_the_event_at_once()
    {
        // An address MimeKit cannot parse: the message can never be composed, however often it is tried.
        var tag = Guid.NewGuid().ToString("N")[..12];
        var id = Fresh.Id();
        await fixture.Grains.GetGrain<IUserGrain>(id).SignUpAsync(Fresh.User($"{tag}@b@c.test"));

        var eventId = await Poll.UntilAsync(() => DeadLettered(id), e => e is not null, "the event is dead-lettered");
        var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<OutboxStore>();
        var parked = Assert.Single(await store.DeadLettersAsync(1000), d => d.EventId == eventId);
        Assert.Equal(1, parked.Failures);
        Assert.Contains("ParseException", parked.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliveries_lost_with_their_silo_are_no_failures_only_failed_ones_count()
    {
        // Delivered five times whose leases ran out (a silo died each time), never failed: the next
        // failure is the first, and it parks nothing while MaxFailures (3) allows more.
        var eventId = Guid.CreateVersion7();
        await Rows.ExecuteAsync(fixture.Db, """
            INSERT INTO outbox (event_id, event_type, aggregate_id, payload, occurred_at, attempts, next_attempt_at)
            VALUES ($1, 'Unrouted', gen_random_uuid(), '{}', now(), 5, now() + interval '1 hour')
            """, eventId);
        // Retries an hour apart, so no relay claims the event while the test looks at it.
        var store = new OutboxStore(fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Data.Database>(), Options.Create(new OutboxOptions
        {
            MaxFailures = ClusterFixture.MaxFailures, RetryBaseDelay = TimeSpan.FromHours(1), RetryMaxDelay = TimeSpan.FromHours(1),
        }));

        Assert.False(await store.FailAsync(eventId, attempt: 5, "connection reset"));

        Assert.Equal(1, await Rows.ScalarAsync<int>(fixture.Db, "SELECT failures FROM outbox WHERE event_id = $1", eventId));
        Assert.Null(await Rows.ScalarAsync<DateTimeOffset?>(fixture.Db, "SELECT dead_lettered_at FROM outbox WHERE event_id = $1", eventId));
        await Rows.ExecuteAsync(fixture.Db, "DELETE FROM outbox WHERE event_id = $1", eventId);
    }

    [Fact]
    public void With_the_default_schedule_a_ten_minute_outage_parks_nothing()
    {
        var defaults = new OutboxOptions();
        var store = new OutboxStore(fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Data.Database>(), Options.Create(defaults));

        // The least time between the first failure and the one that parks: every delay at its shortest.
        var shortest = Enumerable.Range(1, defaults.MaxFailures - 1).Aggregate(TimeSpan.Zero, (sum, k) => sum + store.ShortestRetryDelay(k));

        Assert.True(shortest > TimeSpan.FromMinutes(10), $"the retries of an event span only {shortest}");
    }

    [Fact]
    public void Retry_delays_grow_exponentially_with_jitter_up_to_the_cap()
    {
        var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<OutboxStore>();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            var ceiling = 200 * Math.Pow(2, attempt - 1);
            var delays = Enumerable.Range(0, 200).Select(_ => store.RetryDelay(attempt).TotalMilliseconds).ToList();
            Assert.Equal(ceiling / 2, store.ShortestRetryDelay(attempt).TotalMilliseconds);
            Assert.All(delays, d => Assert.InRange(d, ceiling / 2, ceiling));
            Assert.True(delays.Distinct().Count() > 100, "delays are jittered");
        }
    }

    // The aggregate's one event of this type, as the outbox holds it.
    private async Task<OutboxRow> Event(Guid aggregate, string type)
    {
        await using var command = fixture.Db.CreateCommand(
            "SELECT event_id, payload::text, attempts, processed_at IS NOT NULL FROM outbox WHERE aggregate_id = $1 AND event_type = $2");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = aggregate });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = type });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return new OutboxRow(reader.GetGuid(0), Data.OutboxEntry.Decode(type, reader.GetString(1)) ?? throw new InvalidOperationException("undecodable event"),
            reader.GetInt32(2), reader.GetBoolean(3));
    }

    private sealed record OutboxRow(Guid EventId, IDomainEvent Payload, int Attempts, bool Processed);

    private async Task AssertProcessedOnce(Guid aggregate, string type)
    {
        Assert.True((await Poll.UntilAsync(() => Event(aggregate, type), e => e.Processed, "the event is marked processed")).Processed);
        Assert.Single(fixture.Smtp.Received, m => m.UserId == aggregate.ToString());
    }

    /// <summary>Asks for the account and waits for its confirmation mail; answers the secret that confirms it.</summary>
    private async Task<byte[]> RequestedAsync(Guid id, NewUser user)
    {
        var secret = SignUpToken.NewSecret();
        Assert.True((await fixture.Grains.GetGrain<IUserGrain>(id).RequestSignUp(user, secret, null)).Succeeded);
        await fixture.Smtp.WaitForAsync(m => m.SignUpId == id.ToString(), TimeSpan.FromSeconds(30));
        return secret;
    }

    private Task<Guid?> DeadLettered(Guid aggregate) =>
        Rows.ScalarAsync<Guid?>(fixture.Db,
            "SELECT event_id FROM outbox WHERE aggregate_id = $1 AND dead_lettered_at IS NOT NULL", aggregate);
}
