using System.Buffers.Text;

namespace Actors.Grains.Abstractions.Users;

/// <summary>
/// The token a confirmation link carries: the pending account's id and a random secret, as 64
/// base64url characters. Only the account's own mailbox ever receives it; the database keeps only a
/// SHA-256 of the secret.
/// </summary>
public static class SignUpToken
{
    public const int SecretBytes = 32;
    private const int TokenBytes = 16 + SecretBytes;

    public static byte[] NewSecret() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(SecretBytes);

    public static byte[] HashSecret(byte[] secret) => System.Security.Cryptography.SHA256.HashData(secret);

    public static string Encode(Guid id, byte[] secret)
    {
        if (secret.Length != SecretBytes)
        {
            throw new ArgumentException($"A secret is {SecretBytes} bytes.", nameof(secret));
        }

        var bytes = new byte[TokenBytes];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        secret.CopyTo(bytes, 16);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads a token; false for anything that is not exactly one.</summary>
    public static bool TryDecode(string? token, out Guid id, out byte[] secret)
    {
        id = Guid.Empty;
        secret = [];
        Span<byte> bytes = stackalloc byte[TokenBytes];
        // IsValid first: decoding throws on a character outside the alphabet.
        if (token is null || token.Length != Base64Url.GetEncodedLength(TokenBytes) || !Base64Url.IsValid(token)
            || !Base64Url.TryDecodeFromChars(token, bytes, out var written) || written != TokenBytes)
        {
            return false;
        }

        id = new Guid(bytes[..16], bigEndian: true);
        secret = bytes[16..].ToArray();
        return true;
    }
}
