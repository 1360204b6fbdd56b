using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace Actors.ServiceDefaults;

public static class HealthEndpoints
{
    /// <summary>
    /// The health endpoints of both hosts, one way: /health/live checks nothing but the process (a
    /// dependency outage must not get a process restarted); /health/startup and /health/ready run the
    /// checks tagged <see cref="HealthTags.Startup"/> and <see cref="HealthTags.Ready"/>;
    /// /health/dependencies the ones tagged <see cref="HealthTags.Dependency"/>, which no probe uses.
    /// Answers the group, so a host can add conventions to all of them.
    /// </summary>
    public static RouteGroupBuilder MapActorsHealth(this IEndpointRouteBuilder endpoints)
    {
        var health = endpoints.MapGroup("/health");
        health.MapHealthChecks("/live", new HealthCheckOptions { Predicate = _ => false });
        health.MapHealthChecks("/startup", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Startup) });
        health.MapHealthChecks("/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready) });
        health.MapHealthChecks("/dependencies", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Dependency) });
        return health;
    }
}
