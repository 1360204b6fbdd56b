using Actors.Grains.Posts;
using Actors.Grains.Users;

namespace Actors.Grains.Feeds;

/// <summary>A post with its author, as feeds and trending show it.</summary>
[GenerateSerializer, Immutable, Alias("actors.FeedItem")]
public sealed record FeedItem(
    [property: Id(0)] Post Post,
    [property: Id(1)] AuthorSummary Author);
