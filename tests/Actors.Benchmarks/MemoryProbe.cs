namespace Actors.Benchmarks;

/// <summary>What one grain activation costs in silo memory, measured over many activations.</summary>
internal sealed record MemoryResult(string Grain, long Activations, double BytesPerActivation);

/// <summary>What a pass of reads left behind in the silos: activations and live heap gained.</summary>
internal sealed record KeptByReads(LoadResult Reads, long Activations, double HeapBytes);

/// <summary>
/// Collects every idle activation, forces a full GC on every silo and sums their managed heaps; then
/// activates the given grains (each loads its row), collects garbage again and divides the growth by
/// the number of activations the cluster gained. Includes Orleans' own per-activation bookkeeping.
/// </summary>
internal sealed class MemoryProbe(IClusterClient cluster, HttpClient http, IReadOnlyList<Uri> siloMetrics)
{
    public async Task<MemoryResult> MeasureAsync(string grain, IReadOnlyList<Guid> ids, Func<Guid, Task> activate)
    {
        var management = cluster.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        var heapBefore = await LiveHeapAsync(management, http, siloMetrics);
        var countBefore = await management.GetTotalActivationCount();

        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) => await activate(id));

        var heapAfter = await LiveHeapAsync(management, http, siloMetrics);
        var activations = await management.GetTotalActivationCount() - countBefore;
        return new MemoryResult(grain, activations, activations > 0 ? (heapAfter - heapBefore) / (double)activations : double.NaN);
    }

    /// <summary>
    /// Runs <paramref name="reads"/> after every idle activation was collected: answers its result, the
    /// activations the cluster gained, and the growth of the silos' live heaps.
    /// </summary>
    public async Task<KeptByReads> KeptByAsync(Func<Task<LoadResult>> reads)
    {
        var management = cluster.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        var heapBefore = await LiveHeapAsync(management, http, siloMetrics);
        var countBefore = await management.GetTotalActivationCount();
        var result = await reads();
        var heapAfter = await LiveHeapAsync(management, http, siloMetrics);
        return new KeptByReads(result, await management.GetTotalActivationCount() - countBefore, heapAfter - heapBefore);
    }

    /// <summary>The silos' managed heaps, summed, right after a full blocking collection on every active silo.</summary>
    public static async Task<double> LiveHeapAsync(IManagementGrain management, HttpClient http, IEnumerable<Uri> siloMetrics)
    {
        var silos = await management.GetHosts(onlyActive: true);
        await management.ForceGarbageCollection([.. silos.Keys]);
        return await Exposition.SumAsync(http, siloMetrics, Exposition.HeapBytes);
    }
}
