namespace Actors.ServiceDefaults;

/// <summary>Which health endpoint runs a check: tag a check with these when registering it.</summary>
public static class HealthTags
{
    public const string Startup = "startup";
    public const string Ready = "ready";
}
