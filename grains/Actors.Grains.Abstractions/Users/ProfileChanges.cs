namespace Actors.Grains.Abstractions.Users;

/// <summary>A validated partial profile edit: a null field stays as it is.</summary>
[GenerateSerializer, Immutable, Alias("actors.ProfileChanges")]
public sealed record ProfileChanges(
    [property: Id(0)] string? Handle,
    [property: Id(1)] string? Email,
    [property: Id(2)] string? DisplayName,
    [property: Id(3)] string? Bio);
