using Actors.Gateway.Caching;
using Actors.Grains.Abstractions.Leases;
using Actors.Grains.Abstractions.Posts;
using Microsoft.Extensions.Options;

namespace Actors.Benchmarks;

/// <summary>
/// What one entry of the gateway's near cache costs in memory: the gateway's own cache class, in this
/// process, filled with posts as the grains send them (each deserialized from its grain's answer), the
/// managed heap measured after full collections before and after.
/// </summary>
internal static class NearCacheEntryProbe
{
    private static readonly SiloAddress Grantor = SiloAddress.New(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 11111), 1);

    public static async Task<double> BytesPerPostAsync(IClusterClient cluster, IReadOnlyList<Guid> ids)
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new NearCacheMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var grantors = new Grantors(Options.Create(new NearCacheOptions()), TimeProvider.System);
        var entries = new LeasedEntries<Post>(LeaseKind.Post, ids.Count * 2, TimeProvider.System, metrics, grantors);
        foreach (var chunk in ids.Chunk(256))
        {
            await Task.WhenAll(chunk.Select(id => entries.GetAsync(id, cluster, async (c, key) =>
                new Leased<Post>(await c.GetGrain<IPostGrain>(key).GetPost(), TimeSpan.FromMinutes(5), Grantor), static (_, _) => throw new InvalidOperationException("every key is admitted here")).AsTask()));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(entries);
        return (after - before) / (double)ids.Count;
    }
}
