namespace Actors.Grains.Abstractions.Users;

/// <summary>The public part of a profile shown next to each post in feeds and lists.</summary>
/// <param name="Version">The profile's row version: an edit changes it, and with it every page's ETag.</param>
[GenerateSerializer, Immutable, Alias("actors.AuthorSummary")]
public sealed record AuthorSummary(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Handle,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] long Version)
{
    public static AuthorSummary Of(UserProfile profile) => new(profile.Id, profile.Handle, profile.DisplayName, profile.Version);
}
