using Actors.Grains.Abstractions.Posts;

namespace Actors.Gateway.Api;

/// <summary>A post as the API shows it; <c>?fields=</c> may leave properties out.</summary>
public sealed record PostResponse(Guid? Id = null, Guid? AuthorId = null, string? Body = null, int? Likes = null, DateTimeOffset? CreatedAt = null)
{
    internal static PostResponse From(Post p, PostField fields) => new(
        Has(fields, PostField.Id) ? p.Id : null,
        Has(fields, PostField.AuthorId) ? p.AuthorId : null,
        Has(fields, PostField.Body) ? p.Body : null,
        Has(fields, PostField.Likes) ? p.LikeCount : null,
        Has(fields, PostField.CreatedAt) ? p.CreatedAt : null);

    private static bool Has(PostField fields, PostField field) => (fields & field) != 0;
}
