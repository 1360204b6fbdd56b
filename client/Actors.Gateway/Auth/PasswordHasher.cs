using System.Security.Cryptography;
using System.Text;
using Actors.Grains.Abstractions.Users;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Auth;

/// <summary>
/// PBKDF2-HMAC-SHA256 at the cost the OWASP Password Storage Cheat Sheet lists (600,000 iterations by
/// default). Hashing runs here, in the gateway, which scales out statelessly; the stored hash stays in
/// the silo, which only ever receives keys to compare (<see cref="ICredentialsGrain"/>). Every hash
/// passes through <see cref="HashingGate"/>, so log-in traffic cannot take every core.
/// </summary>
public sealed class PasswordHasher(IOptions<AuthOptions> options, HashingGate gate)
{
    private const int SaltBytes = 16;
    private const int KeyBytes = 32;

    // Derived from when the email is unknown, so the time taken does not reveal which emails exist.
    private readonly PasswordParameters _decoy = new(options.Value.PasswordIterations, RandomNumberGenerator.GetBytes(SaltBytes), KeyBytes);

    /// <summary>A new stored password at today's cost.</summary>
    public async Task<string> HashAsync(string password, CancellationToken ct)
    {
        using var slot = await gate.EnterAsync(ct);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new StoredPassword(options.Value.PasswordIterations, salt, Derive(password, options.Value.PasswordIterations, salt, KeyBytes)).Format();
    }

    /// <summary>
    /// Asks the silo whether <paramref name="password"/> is the account's: answers its id or null. When the
    /// stored hash is cheaper than today's cost and the password matched, the stored hash is upgraded.
    /// </summary>
    public async Task<Guid?> VerifyAsync(IGrainFactory grains, string email, string password, CancellationToken ct)
    {
        var credentials = grains.GetGrain<ICredentialsGrain>(0);
        var parameters = await credentials.GetParameters(email);
        byte[] key;
        using (await gate.EnterAsync(ct))
        {
            var used = parameters ?? _decoy;
            key = Derive(password, used.Iterations, used.Salt, used.KeyBytes);
        }

        // Asked for unknown emails too, so both answers take the same path.
        var id = await credentials.Verify(email, key, replacement: null);
        if (id is not null && parameters!.Iterations < options.Value.PasswordIterations)
        {
            await credentials.Verify(email, key, await HashAsync(password, ct));
        }

        return id;
    }

    private static byte[] Derive(string password, int iterations, byte[] salt, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length);
}
