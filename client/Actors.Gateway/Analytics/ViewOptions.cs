namespace Actors.Gateway.Analytics;

/// <summary>How the gateway batches post views. Bound from the "Analytics" section.</summary>
public sealed class ViewOptions
{
    public const string Section = "Analytics";

    /// <summary>How often counted views are published; a gateway that dies loses at most this much of them.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Aggregator partitions batches are spread over (in turn).</summary>
    public int Partitions { get; set; } = 8;
}
