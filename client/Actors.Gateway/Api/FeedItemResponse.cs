using Actors.Grains.Abstractions.Feeds;

namespace Actors.Gateway.Api;

/// <summary>A post with its author, as feeds and trending show it; <c>?fields=</c> may leave post properties out.</summary>
public sealed record FeedItemResponse(AuthorResponse Author, Guid? Id = null, Guid? AuthorId = null, string? Body = null, int? Likes = null, DateTimeOffset? CreatedAt = null)
{
    internal static FeedItemResponse From(FeedItem item, PostField fields)
    {
        var post = PostResponse.From(item.Post, fields);
        return new(new AuthorResponse(item.Author.Id, item.Author.Handle, item.Author.DisplayName),
            post.Id, post.AuthorId, post.Body, post.Likes, post.CreatedAt);
    }
}
