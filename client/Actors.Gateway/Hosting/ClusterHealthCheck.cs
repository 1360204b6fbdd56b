using Actors.Grains.Abstractions.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Actors.Gateway.Hosting;

/// <summary>
/// Ready when a silo answers and knows at least one active silo. Asked of the silo's memory, not of the
/// membership store: while Redis is away the gateway keeps the silo list it has and still serves.
/// </summary>
internal sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var active = await grains.GetGrain<IClusterViewGrain>(0).ActiveSilos().AsTask()
                .WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            return active > 0
                ? HealthCheckResult.Healthy($"{active} active silo(s)")
                : HealthCheckResult.Unhealthy("no active silo");
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("cluster unreachable");
        }
    }
}
