namespace Actors.Grains.Users;

/// <summary>What log-in needs to check a password. Only the gateway's session endpoint asks for it.</summary>
[GenerateSerializer, Immutable, Alias("actors.Credentials")]
public sealed record Credentials(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] string PasswordHash);
