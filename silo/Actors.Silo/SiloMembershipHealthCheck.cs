using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Actors.Silo;

/// <summary>Healthy once this silo is an Active member of the cluster (it joined through Redis).</summary>
internal sealed class SiloMembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails local) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(local.SiloAddress);
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"active; {active} active silo(s) in the cluster")
            : HealthCheckResult.Unhealthy($"silo status is {status}"));
    }
}
