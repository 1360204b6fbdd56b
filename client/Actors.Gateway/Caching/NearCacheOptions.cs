using System.ComponentModel.DataAnnotations;

namespace Actors.Gateway.Caching;

/// <summary>The gateway's near cache of leased profiles and posts. Bound from the "NearCache" section.</summary>
public sealed class NearCacheOptions : IValidatableObject
{
    public const string Section = "NearCache";

    /// <summary>Serve hot profiles and posts from the gateway's memory under leases; off: every read asks its grain.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most profiles held; the least recently used go first.</summary>
    public int UserCapacity { get; set; } = 100_000;

    /// <summary>Most posts held; the least recently used go first.</summary>
    public int PostCapacity { get; set; } = 100_000;

    /// <summary>
    /// How long after a silo last answered this gateway the entries it leased are still served. Keep it
    /// below the shortest time in which the cluster can declare a silo dead (see docs/architecture.md,
    /// "A silo that dies"): a silo that stops answering then loses its entries here before any other
    /// silo can take its grains over and acknowledge a change.
    /// </summary>
    public TimeSpan GrantorTrust { get; set; } = TimeSpan.FromMilliseconds(750);

    /// <summary>
    /// Activate and lease only keys read twice within <see cref="AdmissionWindow"/>; a first read is the
    /// committed row, read by a silo with no activation (see docs/architecture.md, "Admission"). Off:
    /// every miss activates its grain.
    /// </summary>
    public bool Admission { get; set; } = true;

    /// <summary>How long a first read is remembered: at least this, at most twice this.</summary>
    public TimeSpan AdmissionWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>First reads of one kind remembered per window; more end the window early. 16 bits of memory each, twice.</summary>
    public int AdmissionKeys { get; set; } = 131_072;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UserCapacity < 3)
        {
            yield return new ValidationResult("NearCache:UserCapacity must be at least 3.", [nameof(UserCapacity)]);
        }

        if (GrantorTrust < TimeSpan.FromMilliseconds(100))
        {
            yield return new ValidationResult("NearCache:GrantorTrust must be at least 100 ms.", [nameof(GrantorTrust)]);
        }

        if (AdmissionWindow < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("NearCache:AdmissionWindow must be at least 1 s.", [nameof(AdmissionWindow)]);
        }

        if (AdmissionKeys is < 1_024 or > 16_777_216)
        {
            yield return new ValidationResult("NearCache:AdmissionKeys must be between 1,024 and 16,777,216.", [nameof(AdmissionKeys)]);
        }

        if (PostCapacity < 3)
        {
            yield return new ValidationResult("NearCache:PostCapacity must be at least 3.", [nameof(PostCapacity)]);
        }
    }
}
