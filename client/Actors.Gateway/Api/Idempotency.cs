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

    /// <summary>
    /// Creates once per key: answers what an earlier request with <paramref name="key"/> created, else runs
    /// <paramref name="create"/>, and when a concurrent request with the same key won the race meanwhile,
    /// answers what that one created. Without a key it only creates.
    /// </summary>
    /// <param name="create">Creates; gives the grain's error code (null on success) and the answer to send.</param>
    /// <param name="replay">The answer for a repeat, from the id of what the first request created.</param>
    /// <param name="problem">How the handler's result type carries a problem.</param>
    public static async Task<TResult> CreateOnceAsync<TResult>(
        IGrainFactory grains, HttpResponse response, IdempotencyKey? key, Func<Task<(string? ErrorCode, TResult Answer)>> create,
        Func<Guid, Task<TResult>> replay, Func<ProblemHttpResult, TResult> problem)
        where TResult : class
    {
        if (key is not null && await PriorAsync(grains, response, key, replay, problem) is { } earlier)
        {
            return earlier;
        }

        var (errorCode, answer) = await create();
        return errorCode == ErrorCodes.IdempotencyKeyInUse && key is not null
            && await PriorAsync(grains, response, key, replay, problem) is { } concurrent
            ? concurrent
            : answer;
    }

    private static async Task<TResult?> PriorAsync<TResult>(
        IGrainFactory grains, HttpResponse response, IdempotencyKey key, Func<Guid, Task<TResult>> replay,
        Func<ProblemHttpResult, TResult> problem)
        where TResult : class
    {
        if (await grains.GetGrain<IIdempotencyKeysGrain>(0).Find(key.Scope, key.Key) is not { } prior)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(prior.RequestHash, key.RequestHash))
        {
            return problem(Reused());
        }

        response.Headers[ReplayedHeader] = "true";
        return await replay(prior.ResourceId);
    }

    private static ProblemHttpResult Reused() =>
        Problems.Of(StatusCodes.Status422UnprocessableEntity, Problems.IdempotencyKeyReused,
            "This Idempotency-Key was used for a different request.", "Send a new key for a new request.");
}
