namespace Actors.Gateway.Api;

public sealed record SignUpRequest(string? Handle, string? Email, string? DisplayName, string? Password);
