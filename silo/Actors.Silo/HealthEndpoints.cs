using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Actors.Silo;

internal static class HealthEndpoints
{
    /// <summary>
    /// /health/live checks nothing but the process (a dependency outage must not get silos restarted);
    /// /health/startup and /health/ready run the checks tagged for them.
    /// </summary>
    public static IEndpointRouteBuilder MapActorsHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/startup", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Startup) });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready) });
        return endpoints;
    }
}
