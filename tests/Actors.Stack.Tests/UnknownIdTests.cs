using System.Globalization;
using System.Net;
using Actors.Stack.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Actors.Stack.Tests;

/// <summary>
/// Reads of ids that name nothing cost a query each, and leave nothing behind in the silos. Memory is
/// the silos' live managed heap after a forced full collection: resident memory also counts what the
/// runtime keeps for later, which it returns to the system only over minutes.
/// </summary>
public sealed class UnknownIdTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Reads = 50_000;

    private Deployment? _stack;

    private Deployment Stack => _stack ?? throw new InvalidOperationException("Not started.");

    // A stack of its own, whose silos remember few grain locations: what the reads leave in that
    // bounded cache stays small, so what the heap keeps is what activations keep.
    public async Task InitializeAsync() => _stack = await Deployment.StartAsync(silos: 2, siloSettings:
        new Dictionary<string, string> { ["Silo__DirectoryCacheSize"] = "2000" });

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    private static readonly string[] Routes = ["/api/users/{0}", "/api/posts/{0}", "/api/users/{0}/avatar", "/api/users/{0}/posts", "/api/users/{0}/followers"];

    [Fact]
    public async Task Reads_of_random_unknown_ids_keep_no_activations_and_silo_memory_returns_to_its_level()
    {
        await using var cluster = await ClusterClient.ConnectAsync(Stack);
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var activationsBefore = await Activations(management);
        var heapBefore = await LiveHeap(management);

        var statuses = new int[600];
        await Parallel.ForEachAsync(Enumerable.Range(0, Reads), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var url = string.Format(CultureInfo.InvariantCulture, Routes[i % Routes.Length], Guid.NewGuid());
            using var response = await Stack.Http.GetAsync(url, ct);
            Interlocked.Increment(ref statuses[(int)response.StatusCode]);
        });

        Assert.Equal(Reads, statuses[(int)HttpStatusCode.NotFound]);
        // Deactivation follows the call that found nothing: give the last ones a moment.
        var extra = int.MaxValue;
        for (var wait = 0; wait < 50 && extra >= 1_000; wait++)
        {
            await Task.Delay(100);
            extra = await Activations(management) - activationsBefore;
        }

        var heapAfter = await LiveHeap(management);
        output.WriteLine($"{Reads} reads of unknown ids: {extra} extra activations; silos' live heap {heapBefore / 1e6:0} MB before, {heapAfter / 1e6:0} MB after");
        Assert.True(extra < 1_000, $"{extra} activations were left by reads of unknown ids");
        // An activation kept holds kilobytes: 50,000 of them are over 100 MB.
        Assert.True(heapAfter - heapBefore < 16_000_000, $"the silos' live heap grew from {heapBefore / 1e6:0} MB to {heapAfter / 1e6:0} MB");
    }

    private static async Task<int> Activations(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains("UserGrain", StringComparison.Ordinal) || s.GrainType.Contains("PostGrain", StringComparison.Ordinal)
                || s.GrainType.Contains("AvatarGrain", StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);

    // The silos' live managed heaps, summed, right after a full blocking collection in every silo.
    private async Task<double> LiveHeap(IManagementGrain management)
    {
        await management.ForceGarbageCollection([.. (await management.GetHosts(onlyActive: true)).Keys]);
        var total = 0.0;
        for (var silo = 0; silo < Stack.Silos.Count; silo++)
        {
            total += Metrics.Value(await Metrics.ScrapeAsync(Stack.SiloMetrics(silo)), "dotnet_gc_last_collection_heap_size_bytes");
        }

        return total;
    }
}
