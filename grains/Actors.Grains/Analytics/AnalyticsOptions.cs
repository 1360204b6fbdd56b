using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.Analytics;

/// <summary>Post-view aggregation in the silo. Bound from the "Analytics" section.</summary>
public sealed class AnalyticsOptions : IValidatableObject
{
    public const string Section = "Analytics";

    /// <summary>
    /// How often an aggregator writes the views it gathered (one statement per batch). A silo that dies
    /// loses at most this much of the views its aggregators held.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most distinct posts an aggregator holds while PostgreSQL is unreachable; beyond, new views are dropped.</summary>
    public int MaxPendingPosts { get; set; } = 100_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FlushInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Analytics:FlushInterval must be above zero.", [nameof(FlushInterval)]);
        }

        if (MaxPendingPosts < 1)
        {
            yield return new ValidationResult("Analytics:MaxPendingPosts must be at least 1.", [nameof(MaxPendingPosts)]);
        }
    }
}
