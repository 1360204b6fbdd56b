using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Actors.Grains.Abstractions.Users;

/// <summary>
/// A stored password: salted PBKDF2-HMAC-SHA256, kept as "pbkdf2-sha256$iterations$salt$hash" so the cost
/// can be raised later without invalidating existing hashes. The gateway derives keys; the silo keeps
/// the stored hash and compares.
/// </summary>
public sealed record StoredPassword(int Iterations, byte[] Salt, byte[] Hash)
{
    private const string Scheme = "pbkdf2-sha256";

    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"{Scheme}${Iterations}${Convert.ToBase64String(Salt)}${Convert.ToBase64String(Hash)}");

    public static bool TryParse(string? text, [NotNullWhen(true)] out StoredPassword? stored)
    {
        stored = null;
        var parts = text?.Split('$');
        if (parts is not { Length: 4 } || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return false;
        }

        try
        {
            stored = new StoredPassword(iterations, Convert.FromBase64String(parts[2]), Convert.FromBase64String(parts[3]));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
