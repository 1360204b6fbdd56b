using System.ComponentModel.DataAnnotations;

namespace Actors.Gateway.Hosting;

/// <summary>Token-bucket limits. Bound from the "RateLimit" section.</summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string Section = "RateLimit";

    /// <summary>Apply the per-caller and sign-up buckets (log-in throttling per account always applies).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Burst size per caller: a signed-in user, or an IP address when anonymous.</summary>
    public int PermitLimit { get; set; } = 200;

    /// <summary>Tokens added back per period: the sustained rate per caller.</summary>
    public int TokensPerPeriod { get; set; } = 100;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Sign-ups per IP address in a burst: each one costs a slow password hash.</summary>
    public int SignUpPermitLimit { get; set; } = 20;

    /// <summary>One more sign-up per IP address every this long.</summary>
    public TimeSpan SignUpReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Log-in attempts per account before it is throttled (password guessing).</summary>
    public int LoginPermitLimit { get; set; } = 10;

    /// <summary>One more log-in attempt per account every this long.</summary>
    public TimeSpan LoginReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Log-in attempts per caller address in a burst, whatever the emails (each costs a slow hash).</summary>
    public int LoginPerAddressPermitLimit { get; set; } = 30;

    /// <summary>One more log-in attempt per caller address every this long.</summary>
    public TimeSpan LoginPerAddressReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[]
        {
            (nameof(PermitLimit), PermitLimit), (nameof(TokensPerPeriod), TokensPerPeriod),
            (nameof(SignUpPermitLimit), SignUpPermitLimit), (nameof(LoginPermitLimit), LoginPermitLimit),
            (nameof(LoginPerAddressPermitLimit), LoginPerAddressPermitLimit),
        })
        {
            if (value < 1)
            {
                yield return new ValidationResult($"RateLimit:{name} must be at least 1.", [name]);
            }
        }

        foreach (var (name, value) in new[]
        {
            (nameof(ReplenishmentPeriod), ReplenishmentPeriod), (nameof(SignUpReplenishmentPeriod), SignUpReplenishmentPeriod),
            (nameof(LoginReplenishmentPeriod), LoginReplenishmentPeriod),
            (nameof(LoginPerAddressReplenishmentPeriod), LoginPerAddressReplenishmentPeriod),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"RateLimit:{name} must be above zero.", [name]);
            }
        }
    }
}
