using Actors.Grains.Abstractions.Users;

namespace Actors.Gateway.Api;

/// <summary>
/// A profile as the API shows it. Every property is optional because <c>?fields=</c> may leave it out;
/// <see cref="Email"/> is present only when the caller is its owner.
/// </summary>
/// (Defaults make every property optional in the OpenAPI document too: a strict client must accept
/// answers without them.)
public sealed record UserResponse(
    Guid? Id = null,
    string? Handle = null,
    string? DisplayName = null,
    string? Bio = null,
    int? Followers = null,
    int? Following = null,
    int? Posts = null,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? UpdatedAt = null,
    string? Email = null)
{
    /// <summary>Only in a confirmation's answer: "queued", the welcome email is sent in the background.</summary>
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
