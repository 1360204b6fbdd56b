namespace Actors.Gateway.Api;

/// <summary>The token of a confirmation mail.</summary>
public sealed record ConfirmSignUpRequest(string? Token);
