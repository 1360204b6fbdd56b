namespace Actors.Grains.Abstractions.Events;

/// <summary>
/// Someone asked for an account with this email. When the email has none yet, the mail carries the
/// confirmation <see cref="Token"/>; when it has one (<see cref="AccountExists"/>, set by the statement
/// that checked), the mail says so and carries no token. Either way the caller heard the same answer.
/// </summary>
[GenerateSerializer, Immutable, Alias("actors.SignUpRequested")]
public sealed record SignUpRequested(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] Guid SignUpId,
    [property: Id(2)] string Handle,
    [property: Id(3)] string Email,
    [property: Id(4)] string DisplayName,
    [property: Id(5)] string? Token,
    [property: Id(6)] DateTimeOffset ExpiresAt,
    [property: Id(7)] DateTimeOffset OccurredAt,
    [property: Id(8)] bool AccountExists = false) : IDomainEvent
{
    public Guid AggregateId => SignUpId;
}
