using System.ComponentModel.DataAnnotations;


namespace Actors.Gateway.Analytics;

/// <summary>How the gateway batches post views. Bound from the "Analytics" section.</summary>
public sealed class ViewOptions : IValidatableObject
{
    public const string Section = "Analytics";

    /// <summary>How often counted views are published; a gateway that dies loses at most this much of them.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Aggregator partitions batches are spread over (in turn).</summary>
    public int Partitions { get; set; } = 8;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FlushInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Analytics:FlushInterval must be above zero.", [nameof(FlushInterval)]);
        }

        if (Partitions < 1)
        {
            yield return new ValidationResult("Analytics:Partitions must be at least 1.", [nameof(Partitions)]);
        }
    }
}
