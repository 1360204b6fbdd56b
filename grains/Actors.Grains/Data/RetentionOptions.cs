namespace Actors.Grains.Data;

/// <summary>How long finished bookkeeping rows are kept, and how they are purged. Bound from the "Retention" section.</summary>
public sealed class RetentionOptions
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

    public bool IsValid() =>
        Period > TimeSpan.Zero && BatchSize is >= 100 and <= 100_000
        && ProcessedEvents > TimeSpan.Zero && IdempotencyKeys > TimeSpan.Zero && ViewBuckets > TimeSpan.Zero;
}
