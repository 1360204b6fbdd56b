using MailKit.Security;

namespace Actors.Grains.Email;

/// <summary>How mail leaves the cluster. Bound from the "Email" section; the password is a secret.</summary>
public sealed class EmailOptions
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

    public bool IsValid() => SmtpPort is > 0 and <= 65535 && Timeout > TimeSpan.Zero && MaxConnections >= 1
        && !string.IsNullOrWhiteSpace(From) && !string.IsNullOrWhiteSpace(PickupDirectory)
        && ConfirmationLink.Contains("{token}", StringComparison.Ordinal)
        && (string.IsNullOrEmpty(Username) || Security != SecureSocketOptions.None);
}
