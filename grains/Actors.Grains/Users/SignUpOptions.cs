using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.Users;

/// <summary>Sign-ups waiting for their email to be confirmed. Bound from the "SignUp" section.</summary>
public sealed class SignUpOptions : IValidatableObject
{
    public const string Section = "SignUp";

    /// <summary>How long a confirmation link works; the retention purge deletes the request after that.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Lifetime < TimeSpan.FromMinutes(1) || Lifetime > TimeSpan.FromDays(30))
        {
            yield return new ValidationResult("SignUp:Lifetime must be between one minute and 30 days.", [nameof(Lifetime)]);
        }
    }
}
