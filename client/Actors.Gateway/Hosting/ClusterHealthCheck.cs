using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Actors.Gateway.Hosting;

/// <summary>Ready when the cluster answers and reports at least one active silo.</summary>
internal sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)")
                : HealthCheckResult.Unhealthy("no active silo");
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("cluster unreachable");
        }
    }
}
