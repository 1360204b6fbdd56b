using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.Cluster;

/// <summary>
/// How a silo keeps itself from serving after the cluster declared it dead. Bound from the "Fence"
/// section. Both periods must stay below the shortest time in which the cluster can declare a silo
/// dead (see docs/architecture.md, "A silo that dies"), or a silo paused past its death could serve
/// once more on resuming.
/// </summary>
public sealed class FenceOptions : IValidatableObject
{
    public const string Section = "Fence";

    /// <summary>
    /// How long one read of the membership table that shows this silo a member lets it serve, counted
    /// from when the read started. A call arriving later waits for a fresh read first.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(750);

    /// <summary>How often the membership table is read while calls arrive, so they seldom wait.</summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a call waits for a read of the membership table before it is refused. When two reads in
    /// a row cannot reach the store (this long without an answer, or refused), the silo serves on the
    /// view it has: the store is down or cut off, and then nobody can declare this silo dead either.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Window <= TimeSpan.Zero || RefreshPeriod <= TimeSpan.Zero || RefreshPeriod >= Window)
        {
            yield return new ValidationResult("Fence:RefreshPeriod must be above zero and below Fence:Window.", [nameof(Window), nameof(RefreshPeriod)]);
        }

        if (StoreTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Fence:StoreTimeout must be above zero.", [nameof(StoreTimeout)]);
        }
    }
}
