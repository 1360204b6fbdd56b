namespace Actors.Grains.Abstractions;

/// <summary>What an earlier request with the same key created.</summary>
[GenerateSerializer, Immutable, Alias("actors.IdempotentRequest")]
public sealed record IdempotentRequest(
    [property: Id(0)] byte[] RequestHash,
    [property: Id(1)] Guid ResourceId);
