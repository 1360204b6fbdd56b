namespace Actors.Gateway.Api;

public sealed record SessionRequest(string? Email, string? Password);
