using Actors.Gateway.Hosting;

namespace Actors.Gateway.Analytics;

/// <summary>How the gateway batches post views. Bound from the "Analytics" section.</summary>
public sealed class ViewOptions : IValidatedSettings
{
    public const string Section = "Analytics";

    /// <summary>How often counted views are published; a gateway that dies loses at most this much of them.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Aggregator partitions batches are spread over (in turn).</summary>
    public int Partitions { get; set; } = 8;

    public IEnumerable<string> Problems()
    {
        if (FlushInterval <= TimeSpan.Zero)
        {
            yield return "Analytics:FlushInterval must be above zero.";
        }

        if (Partitions < 1)
        {
            yield return "Analytics:Partitions must be at least 1.";
        }
    }
}
