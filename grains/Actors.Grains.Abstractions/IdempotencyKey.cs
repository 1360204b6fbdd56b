namespace Actors.Grains.Abstractions;

/// <summary>A client's Idempotency-Key, recorded in the same statement that creates the resource.</summary>
/// <param name="Scope">Whose key space it belongs to ("users", "posts:&lt;user id&gt;").</param>
/// <param name="RequestHash">Fingerprint of the request, to tell a true repeat from a reused key.</param>
[GenerateSerializer, Immutable, Alias("actors.IdempotencyKey")]
public sealed record IdempotencyKey(
    [property: Id(0)] string Scope,
    [property: Id(1)] string Key,
    [property: Id(2)] byte[] RequestHash);
