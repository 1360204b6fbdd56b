using System.ComponentModel.DataAnnotations;

namespace Actors.Gateway.Auth;

/// <summary>Token and password settings. Bound from the "Auth" section; the signing key is a secret.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>Base64 HMAC-SHA256 key of at least 32 bytes. From configuration or environment only.</summary>
    [Required]
    public string SigningKey { get; set; } = string.Empty;

    public string Issuer { get; set; } = "actors";

    public string Audience { get; set; } = "actors-api";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// PBKDF2-HMAC-SHA256 iterations for new password hashes: OWASP's figure. Stored hashes carry their
    /// own count, and a cheaper one is replaced at the account's next successful log-in.
    /// </summary>
    [Range(10_000, 10_000_000)]
    public int PasswordIterations { get; set; } = 600_000;

    /// <summary>Password hashes computed at once by one gateway (each takes a core for its duration).</summary>
    [Range(1, 1024)]
    public int MaxConcurrentHashes { get; set; } = Environment.ProcessorCount;

    /// <summary>Hash requests that may wait for a slot; beyond, a request gets 503 with Retry-After at once.</summary>
    [Range(0, 100_000)]
    public int HashQueueLimit { get; set; } = 4 * Environment.ProcessorCount;

    public byte[] KeyBytes() => Convert.FromBase64String(SigningKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        Span<byte> buffer = stackalloc byte[512];
        if (!Convert.TryFromBase64String(SigningKey, buffer, out var length) || length < 32)
        {
            // The message names the setting, never its value.
            yield return new ValidationResult("Auth:SigningKey must be base64 of at least 32 bytes.", [nameof(SigningKey)]);
        }
    }
}
