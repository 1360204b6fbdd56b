namespace Actors.Grains.Abstractions.Users;

/// <summary>A validated sign-up. The password arrives already hashed; grains never see a password.</summary>
[GenerateSerializer, Immutable, Alias("actors.NewUser")]
public sealed record NewUser(
    [property: Id(0)] string Handle,
    [property: Id(1)] string Email,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string PasswordHash);
