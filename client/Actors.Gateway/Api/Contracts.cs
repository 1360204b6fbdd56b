using System.Text.Json.Serialization;
using Actors.Grains.Posts;
using Actors.Grains.Users;

namespace Actors.Gateway.Api;

public sealed record SignUpRequest(string? Handle, string? Email, string? DisplayName, string? Password);

public sealed record UpdateProfileRequest(string? Handle, string? Email, string? DisplayName, string? Bio);

public sealed record CreatePostRequest(string? Body);

public sealed record SessionRequest(string? Email, string? Password);

public sealed record SessionResponse(string Token, Guid UserId, DateTimeOffset ExpiresAt);

/// <summary>A profile as the API shows it. <see cref="Email"/> is present only when the caller is its owner.</summary>
public sealed record UserResponse(
    Guid Id,
    string Handle,
    string DisplayName,
    string Bio,
    int Followers,
    int Following,
    int Posts,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email)
{
    public static UserResponse From(UserProfile p, bool includeEmail) => new(
        p.Id, p.Handle, p.DisplayName, p.Bio, p.Counters.Followers, p.Counters.Following, p.Counters.Posts,
        p.CreatedAt, p.UpdatedAt, includeEmail ? p.Email : null);
}

/// <summary>Sign-up's answer: the new profile, and that its welcome email is queued rather than sent.</summary>
public sealed record SignUpResponse(UserResponse User, bool WelcomeEmailQueued);

public sealed record PostResponse(Guid Id, Guid AuthorId, string Body, int Likes, DateTimeOffset CreatedAt)
{
    public static PostResponse From(Post p) => new(p.Id, p.AuthorId, p.Body, p.LikeCount, p.CreatedAt);
}

/// <summary>Every list: items plus an opaque cursor for the next page (null on the last page).</summary>
public sealed record PageResponse<T>(IReadOnlyList<T> Items, string? NextCursor);
