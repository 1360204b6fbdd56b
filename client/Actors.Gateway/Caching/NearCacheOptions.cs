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

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UserCapacity < 3)
        {
            yield return new ValidationResult("NearCache:UserCapacity must be at least 3.", [nameof(UserCapacity)]);
        }

        if (PostCapacity < 3)
        {
            yield return new ValidationResult("NearCache:PostCapacity must be at least 3.", [nameof(PostCapacity)]);
        }
    }
}
