using System.Security.Cryptography;
using System.Text;
using Actors.Grains.Abstractions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

/// <summary>
/// The Idempotency-Key header on creating requests: a repeat with the same key and the same request
/// answers with what the first one created (and creates nothing); the same key with a different
/// request is a 422. The key is recorded by the statement that creates the resource.
/// </summary>
internal static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Reads the optional header: 1 to 100 printable ASCII characters.</summary>
    public static bool TryRead(HttpRequest request, out string? key, out ProblemHttpResult? problem)
    {
        key = null;
        problem = null;
        var values = request.Headers[Header];
        if (values.Count == 0)
        {
            return true;
        }

        var value = values.Count == 1 ? values[0] : null;
        if (value is not { Length: >= 1 and <= 100 } || !value.All(c => c is >= '!' and <= '~'))
        {
            problem = Problems.BadRequest(Problems.InvalidIdempotencyKey, $"{Header} must be 1 to 100 printable ASCII characters, sent once.");
            return false;
        }

        key = value;
        return true;
    }

    /// <summary>SHA-256 over the request's meaningful fields, each length-prefixed so fields cannot run together.</summary>
    public static byte[] Fingerprint(params string?[] fields)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var field in fields)
        {
            var bytes = Encoding.UTF8.GetBytes(field ?? string.Empty);
            hash.AppendData(BitConverter.GetBytes(field is null ? -1 : bytes.Length));
            hash.AppendData(bytes);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>What an earlier request with this key created, or null when the key is new.</summary>
    public static async Task<IdempotentRequest?> FindAsync(IGrainFactory grains, IdempotencyKey key) =>
        await grains.GetGrain<IIdempotencyKeysGrain>(0).Find(key.Scope, key.Key);

    public static bool SameRequest(IdempotentRequest prior, IdempotencyKey key) =>
        CryptographicOperations.FixedTimeEquals(prior.RequestHash, key.RequestHash);

    public static ProblemHttpResult Reused() =>
        Problems.Of(StatusCodes.Status422UnprocessableEntity, Problems.IdempotencyKeyReused,
            "This Idempotency-Key was used for a different request.", "Send a new key for a new request.");

    public static void MarkReplayed(HttpResponse response) => response.Headers[ReplayedHeader] = "true";
}
