namespace Actors.Grains.Abstractions;

/// <summary>
/// What a grain holds in memory without going to the database: <see cref="Held"/> is false when it has
/// not loaded its row yet (the caller then loads a batch of rows at once and primes the grains).
/// </summary>
[GenerateSerializer, Immutable, Alias("actors.Cached`1")]
public readonly record struct Cached<T>(
    [property: Id(0)] bool Held,
    [property: Id(1)] T? Value);
