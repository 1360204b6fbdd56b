namespace Actors.Grains.Abstractions.Paging;

/// <summary>
/// A keyset position: the sort key of the last item a page returned. Clients see it only as an opaque
/// token, which the gateway encodes and validates.
/// </summary>
/// <param name="Timestamp">The last item's time key, or null for lists ordered by id alone.</param>
[GenerateSerializer, Immutable, Alias("actors.PageCursor")]
public readonly record struct PageCursor(
    [property: Id(0)] DateTimeOffset? Timestamp,
    [property: Id(1)] Guid Id);
