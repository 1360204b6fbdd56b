namespace Actors.Grains.Abstractions.Users;

/// <summary>How to derive the key an account's stored password is compared with: never the hash itself.</summary>
[GenerateSerializer, Immutable, Alias("actors.PasswordParameters")]
public sealed record PasswordParameters(
    [property: Id(0)] int Iterations,
    [property: Id(1)] byte[] Salt,
    [property: Id(2)] int KeyBytes);
