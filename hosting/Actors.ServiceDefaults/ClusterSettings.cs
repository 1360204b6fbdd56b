namespace Actors.ServiceDefaults;

/// <summary>Which cluster to join. Bound from the "Cluster" section; silos and gateways must agree.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Cluster";

    public string ClusterId { get; set; } = "actors-local";

    public string ServiceId { get; set; } = "actors";
}
