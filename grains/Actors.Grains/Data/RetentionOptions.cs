using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.Data;

/// <summary>How long finished bookkeeping rows are kept, and how they are purged. Bound from the "Retention" section.</summary>
public sealed class RetentionOptions : IValidatableObject
{
    public const string Section = "Retention";

    /// <summary>How often each silo purges what is past its retention.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows one DELETE removes; a purge repeats it until nothing older is left.</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>
    /// Processed outbox events, kept for inspection. Unfinished and dead-lettered events are never
    /// purged: they are work, not history.
    /// </summary>
    public TimeSpan ProcessedEvents { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an Idempotency-Key is remembered (clients retry within minutes).</summary>
    public TimeSpan IdempotencyKeys { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Hourly view counts; never less than the trending window plus an hour, whatever this says.</summary>
    public TimeSpan ViewBuckets { get; set; } = TimeSpan.FromDays(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Period <= TimeSpan.Zero || ProcessedEvents <= TimeSpan.Zero || IdempotencyKeys <= TimeSpan.Zero || ViewBuckets <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Retention:Period, ProcessedEvents, IdempotencyKeys and ViewBuckets must be above zero.", [nameof(Period), nameof(ProcessedEvents), nameof(IdempotencyKeys), nameof(ViewBuckets)]);
        }

        if (BatchSize is < 100 or > 100_000)
        {
            yield return new ValidationResult("Retention:BatchSize must be 100 to 100000.", [nameof(BatchSize)]);
        }
    }
}
