using System.Text.Json.Serialization;
using Actors.Grains.Feeds;
using Actors.Grains.Posts;
using Actors.Grains.Users;

namespace Actors.Gateway.Api;

public sealed record SignUpRequest(string? Handle, string? Email, string? DisplayName, string? Password);

public sealed record UpdateProfileRequest(string? Handle, string? Email, string? DisplayName, string? Bio);

public sealed record CreatePostRequest(string? Body);

public sealed record SessionRequest(string? Email, string? Password);

public sealed record SessionResponse(string Token, Guid UserId, DateTimeOffset ExpiresAt);

/// <summary>
/// A profile as the API shows it. Every property is optional because <c>?fields=</c> may leave it out;
/// <see cref="Email"/> is present only when the caller is its owner.
/// </summary>
public sealed record UserResponse(
    Guid? Id,
    string? Handle,
    string? DisplayName,
    string? Bio,
    int? Followers,
    int? Following,
    int? Posts,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    string? Email)
{
    /// <summary>Only in a sign-up's answer: "queued", the welcome email is sent in the background.</summary>
    public string? WelcomeEmail { get; init; }

    internal static UserResponse From(UserProfile p, UserField fields) => new(
        Has(fields, UserField.Id) ? p.Id : null,
        Has(fields, UserField.Handle) ? p.Handle : null,
        Has(fields, UserField.DisplayName) ? p.DisplayName : null,
        Has(fields, UserField.Bio) ? p.Bio : null,
        Has(fields, UserField.Followers) ? p.Counters.Followers : null,
        Has(fields, UserField.Following) ? p.Counters.Following : null,
        Has(fields, UserField.Posts) ? p.Counters.Posts : null,
        Has(fields, UserField.CreatedAt) ? p.CreatedAt : null,
        Has(fields, UserField.UpdatedAt) ? p.UpdatedAt : null,
        Has(fields, UserField.Email) ? p.Email : null);

    private static bool Has(UserField fields, UserField field) => (fields & field) != 0;
}

/// <summary>A post as the API shows it; <c>?fields=</c> may leave properties out.</summary>
public sealed record PostResponse(Guid? Id, Guid? AuthorId, string? Body, int? Likes, DateTimeOffset? CreatedAt)
{
    internal static PostResponse From(Post p, PostField fields) => new(
        Has(fields, PostField.Id) ? p.Id : null,
        Has(fields, PostField.AuthorId) ? p.AuthorId : null,
        Has(fields, PostField.Body) ? p.Body : null,
        Has(fields, PostField.Likes) ? p.LikeCount : null,
        Has(fields, PostField.CreatedAt) ? p.CreatedAt : null);

    private static bool Has(PostField fields, PostField field) => (fields & field) != 0;
}

/// <summary>A post with its author, as feeds and trending show it; <c>?fields=</c> may leave post properties out.</summary>
public sealed record FeedItemResponse(Guid? Id, Guid? AuthorId, string? Body, int? Likes, DateTimeOffset? CreatedAt, AuthorResponse Author)
{
    internal static FeedItemResponse From(FeedItem item, PostField fields)
    {
        var post = PostResponse.From(item.Post, fields);
        return new(post.Id, post.AuthorId, post.Body, post.Likes, post.CreatedAt,
            new AuthorResponse(item.Author.Id, item.Author.Handle, item.Author.DisplayName));
    }
}

/// <summary>The public part of a profile shown with each post.</summary>
public sealed record AuthorResponse(Guid Id, string Handle, string DisplayName);

/// <summary>Every list: items plus an opaque cursor for the next page (null on the last page).</summary>
public sealed record PageResponse<T>(
    IReadOnlyList<T> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
