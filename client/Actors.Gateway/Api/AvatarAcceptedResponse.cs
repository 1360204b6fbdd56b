namespace Actors.Gateway.Api;

/// <summary>An accepted upload: thumbnails follow; <see cref="Version"/> is the upload's number.</summary>
public sealed record AvatarAcceptedResponse(string Status, long Version);
