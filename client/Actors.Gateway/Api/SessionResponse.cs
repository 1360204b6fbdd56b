namespace Actors.Gateway.Api;

public sealed record SessionResponse(string Token, Guid UserId, DateTimeOffset ExpiresAt);
