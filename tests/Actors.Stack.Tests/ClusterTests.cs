using System.Net;
using System.Text.Json;
using Actors.Grains.Abstractions;
using Actors.Stack.Tests.Infrastructure;
using Npgsql;
using Orleans.Streams;
using StackExchange.Redis;

namespace Actors.Stack.Tests;

[Collection(StackGroup.Name)]
public sealed class ClusterTests(StackFixture fixture)
{
    [Fact]
    public async Task Both_silos_are_active_members_in_the_Redis_membership_table()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis);
        var entries = await redis.GetDatabase().HashGetAllAsync($"{Deployment.ServiceId}/members/{fixture.Stack.ClusterId}");

        // Every field but "Version" is a silo; status 3 is Active.
        var active = entries.Where(e => e.Name != "Version")
            .Select(e => JsonDocument.Parse(e.Value.ToString()).RootElement)
            .Where(silo => silo.GetProperty("Status").GetInt32() == 3)
            .ToList();
        Assert.Equal(2, active.Count);
        Assert.Equal(2, active.Select(s => s.GetProperty("SiloName").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task User_grains_activate_on_both_silos_of_the_cluster()
    {
        for (var i = 0; i < 40; i++)
        {
            var (id, _, _) = await fixture.Stack.NewUserAsync();
            (await fixture.Stack.Http.GetAsync($"/api/users/{id}")).EnsureSuccessStatusCode();
        }

        await using var cluster = await ClusterClient.ConnectAsync(fixture.Stack);
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: true);
        var stats = await management.GetSimpleGrainStatistics();
        var perSilo = stats.Where(s => s.GrainType.Contains("UserGrain", StringComparison.Ordinal))
            .GroupBy(s => s.SiloAddress)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount));

        Assert.Equal(2, hosts.Count);
        Assert.Equal(hosts.Keys.ToHashSet(), perSilo.Where(p => p.Value > 0).Select(p => p.Key).ToHashSet());
    }

    [Fact]
    public async Task Stream_subscriptions_are_kept_in_PostgreSQL_through_the_ADO_NET_PubSubStore()
    {
        await using var cluster = await ClusterClient.ConnectAsync(fixture.Stack);
        var key = $"pubsub-check-{Guid.NewGuid():N}";
        var stream = cluster.Client.GetStreamProvider(StreamNames.Provider).GetStream<string>(StreamId.Create("tests", key));

        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = await stream.SubscribeAsync((item, _) =>
        {
            received.TrySetResult(item);
            return Task.CompletedTask;
        });
        await stream.OnNextAsync("delivered");

        Assert.Equal("delivered", await received.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await using var db = NpgsqlDataSource.Create(fixture.Stack.Postgres);
        await using var count = db.CreateCommand("SELECT count(*) FROM orleansstorage WHERE grainidextensionstring LIKE $1");
        count.Parameters.AddWithValue($"%{key}%");
        Assert.Equal(1L, await count.ExecuteScalarAsync());
        await subscription.UnsubscribeAsync();
    }

    [Fact]
    public async Task The_Orleans_Dashboard_is_off_unless_enabled()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(fixture.Stack.SiloHealth(0, "live"), "/dashboard"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Silo_health_answers_live_startup_and_ready()
    {
        using var http = new HttpClient();
        foreach (var check in new[] { "live", "startup", "ready" })
        {
            using var response = await http.GetAsync(fixture.Stack.SiloHealth(0, check));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
