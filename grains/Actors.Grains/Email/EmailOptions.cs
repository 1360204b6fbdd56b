using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace Actors.Grains.Email;

/// <summary>How mail leaves the cluster. Bound from the "Email" section; the password is a secret.</summary>
public sealed class EmailOptions : IValidatableObject
{
    public const string Section = "Email";

    /// <summary>SMTP server; when unset, messages are written as .eml files to <see cref="PickupDirectory"/>.</summary>
    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 25;

    /// <summary>TLS: Auto (STARTTLS when offered), None, StartTls or SslOnConnect.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.Auto;

    /// <summary>Log in with this user; then the connection must be encrypted (Security not None, and a plain one is refused).</summary>
    public string? Username { get; set; }

    /// <summary>Secret: from configuration or the environment, never logged.</summary>
    public string? Password { get; set; }

    public string From { get; set; } = "Actors <welcome@actors.invalid>";

    /// <summary>
    /// The confirmation link a sign-up mail carries: the page of the web client that posts the token to
    /// <c>POST /api/users/confirmations</c>. <c>{token}</c> is replaced by the token.
    /// </summary>
    public string ConfirmationLink { get; set; } = "http://127.0.0.1:8080/confirm?token={token}";

    /// <summary>Where messages go without an SMTP server (relative paths: from the working directory).</summary>
    public string PickupDirectory { get; set; } = "mail-pickup";

    /// <summary>Longest one SMTP conversation may take; keep it below Outbox:Lease.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>SMTP connections kept open and reused per silo (keep-alive); also the most sends at once.</summary>
    public int MaxConnections { get; set; } = 4;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SmtpPort is < 1 or > 65535)
        {
            yield return new ValidationResult("Email:SmtpPort must be a port number (1 to 65535).", [nameof(SmtpPort)]);
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Email:Timeout must be above zero.", [nameof(Timeout)]);
        }

        if (MaxConnections < 1)
        {
            yield return new ValidationResult("Email:MaxConnections must be at least 1.", [nameof(MaxConnections)]);
        }

        if (string.IsNullOrWhiteSpace(From) || string.IsNullOrWhiteSpace(PickupDirectory))
        {
            yield return new ValidationResult("Email:From and PickupDirectory must be set.", [nameof(From), nameof(PickupDirectory)]);
        }

        if (!ConfirmationLink.Contains("{token}", StringComparison.Ordinal))
        {
            yield return new ValidationResult("Email:ConfirmationLink must contain {token}.", [nameof(ConfirmationLink)]);
        }

        if (!string.IsNullOrEmpty(Username) && Security == SecureSocketOptions.None)
        {
            yield return new ValidationResult("Email:Security must not be None when Username is set (credentials only over TLS).", [nameof(Security)]);
        }
    }
}
