namespace Actors.Gateway.Api;

public sealed record UpdateProfileRequest(string? Handle, string? Email, string? DisplayName, string? Bio);
