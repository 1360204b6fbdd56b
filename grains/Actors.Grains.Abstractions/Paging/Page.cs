namespace Actors.Grains.Abstractions.Paging;

/// <summary>One page of a keyset-paginated list; <see cref="Next"/> is null on the last page.</summary>
[GenerateSerializer, Immutable, Alias("actors.Page`1")]
public sealed record Page<T>(
    [property: Id(0)] IReadOnlyList<T> Items,
    [property: Id(1)] PageCursor? Next);
