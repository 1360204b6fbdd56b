using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;

namespace Actors.Grains.Abstractions.Feeds;

/// <summary>A post with its author, as feeds and trending show it.</summary>
[GenerateSerializer, Immutable, Alias("actors.FeedItem")]
public sealed record FeedItem(
    [property: Id(0)] Post Post,
    [property: Id(1)] AuthorSummary Author);
