using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Auth;

/// <summary>
/// Salted PBKDF2-SHA256 password hashes, stored as "pbkdf2-sha256$iterations$salt$hash" so the cost
/// can be raised later without invalidating existing hashes. Hashing runs in the gateway, which
/// scales out statelessly; grains never see a password.
/// </summary>
public sealed class PasswordHasher(IOptions<AuthOptions> options)
{
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Verified against when the email is unknown, so response time does not reveal which emails exist.
    private readonly Lazy<string> _decoy = new(() => Hash("decoy password", options.Value.PasswordIterations));

    public string Hash(string password) => Hash(password, options.Value.PasswordIterations);

    public bool Verify(string password, string? stored)
    {
        if (stored is null)
        {
            Verify(password, _decoy.Value);
            return false;
        }

        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations))
        {
            return false;
        }

        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static string Hash(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }
}
