namespace Actors.Gateway.Api;

public sealed record CreatePostRequest(string? Body);
