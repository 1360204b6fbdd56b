namespace Actors.ServiceDefaults;

/// <summary>Which health endpoint runs a check: tag a check with these when registering it.</summary>
public static class HealthTags
{
    public const string Startup = "startup";
    public const string Ready = "ready";

    /// <summary>
    /// A dependency this process can serve without for a while (Redis: membership is only read when
    /// silos join or leave). Reported on /health/dependencies for operators and alerts; never a reason
    /// to take the process out of a load balancer.
    /// </summary>
    public const string Dependency = "dependency";
}
