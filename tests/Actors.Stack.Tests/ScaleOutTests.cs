using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Actors.Stack.Tests.Infrastructure;
using Actors.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Actors.Stack.Tests;

/// <summary>
/// Silos added to and gracefully removed from a running stack while it serves steady traffic. Each test
/// has its own stack (it changes the set of silos), and the collection runs alone: the timings it
/// reports are those of the stack under its own load, not of other tests' stacks.
/// </summary>
[Collection(LifecycleGroup.Name)]
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private const int Clients = 8;
    private const int ActivationsAfterJoin = 60;
    private static readonly TimeSpan LoadLimit = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>How long the load runs before the change and after it.</summary>
    private static readonly TimeSpan Steady = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task A_silo_started_under_load_joins_takes_new_activations_and_no_request_fails()
    {
        await using var stack = await Deployment.StartAsync(silos: 2);
        var data = await LoadData.CreateAsync(stack, readers: 30, writers: 4);
        await using var cluster = await ClusterClient.ConnectAsync(stack);
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        await using var load = LoadLoop.Start(data, Clients, LoadLimit);
        await load.RunForAsync(Steady, 300);

        var clock = Stopwatch.StartNew();
        var sentBeforeJoin = load.Sent;
        await stack.StartSiloAsync(2);
        var ready = clock.Elapsed;

        // Joined: Active in the Redis membership table, and an active host for the cluster itself.
        await Poll.UntilAsync(async () => await ActiveInRedisAsync(stack) == 3, "three silos Active in the Redis membership table", Patience);
        SiloAddress? added = null;
        await Poll.UntilAsync(async () => (added = (await management.GetDetailedHosts(onlyActive: true))
            .SingleOrDefault(h => h.SiloName.StartsWith("silo2-", StringComparison.Ordinal))?.SiloAddress) is not null, "the new silo an active host", Patience);
        var joined = clock.Elapsed;

        // New grains after the join (a post's grain activates on its second read, once admitted): some are
        // placed on the new silo.
        var author = data.Writers[0];
        var created = new List<Guid>();
        for (var i = 0; i < ActivationsAfterJoin; i++)
        {
            using var response = await author.PostJson("/api/posts", new { body = $"after the join {i}" });
            var id = (await response.Json(HttpStatusCode.Created)).GetProperty("id").GetGuid();
            for (var read = 0; read < 2; read++)
            {
                using var answer = await author.GetAsync($"/api/posts/{id}");
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            }

            created.Add(id);
        }

        // The first of the project's grains placed on the new silo.
        await Poll.UntilAsync(async () => (await ProductGrainKeysAsync(management, added!)).Count > 0, "a grain activated on the new silo", Patience);
        var firstActivation = clock.Elapsed;

        var onNewSilo = await ProductGrainKeysAsync(management, added!);
        var placed = created.Count(id => onNewSilo.Contains(id.ToString("N")));

        // And the traffic goes on after the join.
        var sentDuringJoin = load.Sent - sentBeforeJoin;
        await load.RunForAsync(Steady, 300);
        await load.StopAsync();
        output.WriteLine($"load: {load}; {sentDuringJoin} of them from the third silo's start until {ActivationsAfterJoin} posts were created after its join");
        output.WriteLine($"third silo ready {ready.TotalSeconds:F1} s after its start, seen active by the cluster after {joined.TotalSeconds:F1} s, "
            + $"first product grain activated on it after {firstActivation.TotalSeconds:F1} s; {placed} of {ActivationsAfterJoin} posts created after the join activated there");

        WriteProblems("new silo", stack.Silos.Single(s => s.Name == "silo2"));
        WriteProblems("gateway", stack.Gateway!);

        Assert.True(load.Failed == 0, $"{load}:\n{load.Examples}\n--- gateway:\n{stack.Gateway!.Output()}");
        Assert.True(placed > 0, $"none of the {ActivationsAfterJoin} posts created after the join was activated on the new silo {added}");
        await ReadsBackAsync(stack, data, load);
    }

    [Fact]
    public async Task A_silo_stopped_with_SIGTERM_under_load_fails_no_request_and_its_grains_are_served_by_the_others()
    {
        await using var stack = await Deployment.StartAsync(silos: 2);
        var data = await LoadData.CreateAsync(stack, readers: 40, writers: 4);
        await using var cluster = await ClusterClient.ConnectAsync(stack);
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        // The silo that holds more of the readers' user grains leaves (placement need not share them evenly).
        var hosts = (await management.GetDetailedHosts(onlyActive: true))
            .Select(h => (Name: h.SiloName[..h.SiloName.IndexOf('-', StringComparison.Ordinal)], h.SiloAddress))
            .ToList();
        var held = new Dictionary<string, HashSet<string>>();
        foreach (var (name, address) in hosts)
        {
            held[name] = await ProductGrainKeysAsync(management, address);
        }

        var leavingName = held.MaxBy(h => data.Readers.Count(r => h.Value.Contains(r.Id.ToString("N")))).Key;
        var staying = hosts.Single(h => h.Name != leavingName).SiloAddress;
        var livedThere = held[leavingName];
        var moving = data.Readers.Where(r => livedThere.Contains(r.Id.ToString("N"))).ToList();
        Assert.NotEmpty(moving);

        var leaving = stack.Silos.Single(s => s.Name == leavingName);
        await using var load = LoadLoop.Start(data, Clients, LoadLimit);
        await load.RunForAsync(Steady, 300);
        var sentBeforeStop = load.Sent;
        var clock = Stopwatch.StartNew();
        await leaving.StopAsync(Patience);
        var stopped = clock.Elapsed;
        var sentDuringStop = load.Sent - sentBeforeStop;
        var exitCode = leaving.ExitCode;

        // The cluster has only the remaining silo, and the load goes on against it.
        await Poll.UntilAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 1, "one active silo left", Patience);
        await load.RunForAsync(Steady, 300);
        await load.StopAsync();
        output.WriteLine($"load: {load}; {sentDuringStop} of them while the silo stopped");
        WriteProblems("stopped silo", leaving);
        WriteProblems("remaining silo", stack.Silos.Single(s => s.Name != leavingName));
        WriteProblems("gateway", stack.Gateway!);
        output.WriteLine($"{leavingName} (held {livedThere.Count} activations, {moving.Count} of {data.Readers.Count} readers' grains) "
            + $"exited with {exitCode} {stopped.TotalSeconds:F1} s after SIGTERM");

        Assert.True(load.Failed == 0,
            $"{load}:\n{load.Examples}\n--- gateway:\n{stack.Gateway!.Output()}\n--- stopped silo:\n{leaving.Output()}");
        Assert.Equal(0, exitCode);

        // The readers whose grains lived on the stopped silo are served by the remaining one, unchanged.
        foreach (var reader in moving)
        {
            Assert.Equal(reader.Profile, await LoadData.ReadAsync(stack.Http, $"/api/users/{reader.Id}"));
            Assert.Equal(reader.Post, await LoadData.ReadAsync(stack.Http, $"/api/posts/{reader.PostId}"));
        }

        var nowThere = await ProductGrainKeysAsync(management, staying);
        Assert.All(moving, r => Assert.Contains(r.Id.ToString("N"), nowThere));
        await ReadsBackAsync(stack, data, load);
    }

    /// <summary>Warnings and errors a process logged (the first few), for the test's report.</summary>
    private void WriteProblems(string name, ServiceProcess process)
    {
        var problems = process.LinesWith("\"LogLevel\":\"Error\"").Concat(process.LinesWith("\"LogLevel\":\"Warning\"")).ToList();
        output.WriteLine($"{name}: {problems.Count} warning or error log lines"
            + string.Concat(problems.Take(5).Select(l => "\n  " + l[..Math.Min(l.Length, 400)])));
    }

    /// <summary>Every reader's profile and post as first read, and every post the load loop was told was created.</summary>
    private static async Task ReadsBackAsync(Deployment stack, LoadData data, LoadLoop load)
    {
        foreach (var reader in data.Readers)
        {
            Assert.Equal(reader.Profile, await LoadData.ReadAsync(stack.Http, $"/api/users/{reader.Id}"));
            Assert.Equal(reader.Post, await LoadData.ReadAsync(stack.Http, $"/api/posts/{reader.PostId}"));
        }

        Assert.NotEmpty(load.CreatedPosts);
        await Parallel.ForEachAsync(load.CreatedPosts, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, cancellation) =>
        {
            using var response = await stack.Http.GetAsync($"/api/posts/{id}", cancellation);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"created post {id}: {(int)response.StatusCode}");
        });
    }

    private static async Task<int> ActiveInRedisAsync(Deployment stack)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis);
        var entries = await redis.GetDatabase().HashGetAllAsync($"{Deployment.ServiceId}/members/{stack.ClusterId}");
        // Every field but "Version" is a silo; status 3 is Active.
        return entries.Where(e => e.Name != "Version")
            .Count(e => JsonDocument.Parse(e.Value.ToString()).RootElement.GetProperty("Status").GetInt32() == 3);
    }
    /// <summary>Keys (the id in N format) of the project's grains active on <paramref name="silo"/>.</summary>
    private static async Task<HashSet<string>> ProductGrainKeysAsync(IManagementGrain management, SiloAddress silo) =>
        (await management.GetDetailedGrainStatistics(hostsIds: [silo]))
            .Where(s => s.GrainType.StartsWith("Actors.Grains.", StringComparison.Ordinal))
            .Select(s => s.GrainId.Key.ToString()!)
            .ToHashSet();
}
