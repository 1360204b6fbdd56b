namespace Actors.Silo;

internal static class HealthTags
{
    public const string Startup = "startup";
    public const string Ready = "ready";
}
