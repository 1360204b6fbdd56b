using Actors.ServiceDefaults;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Actors.Benchmarks;

/// <summary>An Orleans client of the benchmark's own, for what only the cluster can do (collect activations, force a GC).</summary>
internal static class ClusterConnection
{
    /// <summary>A started host whose <see cref="IClusterClient"/> has joined the cluster found in Redis.</summary>
    public static async Task<IHost> ConnectAsync(string redis, string clusterId, string serviceId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            client.UseActorsClusterTls(builder.Configuration);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
