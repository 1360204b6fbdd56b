namespace Actors.Grains.Users;

/// <summary>Sign-ups waiting for their email to be confirmed. Bound from the "SignUp" section.</summary>
public sealed class SignUpOptions
{
    public const string Section = "SignUp";

    /// <summary>How long a confirmation link works; the retention purge deletes the request after that.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(1);

    public bool IsValid() => Lifetime >= TimeSpan.FromMinutes(1) && Lifetime <= TimeSpan.FromDays(30);
}
