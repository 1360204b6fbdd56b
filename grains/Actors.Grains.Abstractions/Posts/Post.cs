namespace Actors.Grains.Abstractions.Posts;

/// <param name="Version">Row version; drives ETags.</param>
[GenerateSerializer, Immutable, Alias("actors.Post")]
public sealed record Post(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid AuthorId,
    [property: Id(2)] string Body,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] int LikeCount,
    [property: Id(5)] long Version);
