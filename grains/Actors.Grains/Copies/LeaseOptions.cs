using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.Copies;

/// <summary>Leases of grain values to gateways' near caches. Bound from the "Leases" section.</summary>
public sealed class LeaseOptions : IValidatableObject
{
    public const string Section = "Leases";

    /// <summary>
    /// How long a gateway may serve a value it leased without asking again, and so the longest a write
    /// waits for a gateway it cannot reach (zero: no leases, every read asks the grain). Keep it below
    /// Orleans' client drop timeout (one minute): a silo answers "client gone" only for a gateway that
    /// has been unreachable that long, and by then every lease it held has run out.
    /// </summary>
    public TimeSpan Length { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Length < TimeSpan.Zero || Length >= TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult("Leases:Length must be at least zero and below one minute (Orleans' client drop timeout).", [nameof(Length)]);
        }
    }
}
