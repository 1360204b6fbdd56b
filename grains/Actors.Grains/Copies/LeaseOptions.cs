using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.Copies;

/// <summary>Leases of grain values to gateways' near caches. Bound from the "Leases" section.</summary>
public sealed class LeaseOptions : IValidatableObject
{
    public const string Section = "Leases";

    /// <summary>
    /// How long a gateway may serve a value it leased without asking again (zero: no leases, every read
    /// asks the grain). Keep it below Orleans' client drop timeout (one minute): a silo answers "client
    /// gone" only for a gateway that has been unreachable that long, and by then every lease it held has
    /// run out.
    /// </summary>
    public TimeSpan Length { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest any gateway serves this silo's leased entries after the silo last vouched for itself
    /// to it: at least the gateways' NearCache:GrantorTrust. A write that cannot tell a gateway of a
    /// change stops vouching to it and waits this long, not the rest of the lease.
    /// </summary>
    public TimeSpan HolderTrust { get; set; } = TimeSpan.FromMilliseconds(750);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HolderTrust <= TimeSpan.Zero || HolderTrust >= TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult("Leases:HolderTrust must be above zero and below one minute.", [nameof(HolderTrust)]);
        }

        if (Length < TimeSpan.Zero || Length >= TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult("Leases:Length must be at least zero and below one minute (Orleans' client drop timeout).", [nameof(Length)]);
        }
    }
}
