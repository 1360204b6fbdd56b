namespace Actors.Gateway.Api;

/// <summary>The public part of a profile shown with each post.</summary>
public sealed record AuthorResponse(Guid Id, string Handle, string DisplayName);
