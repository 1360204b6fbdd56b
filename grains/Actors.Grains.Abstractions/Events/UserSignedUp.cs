namespace Actors.Grains.Abstractions.Events;

[GenerateSerializer, Immutable, Alias("actors.UserSignedUp")]
public sealed record UserSignedUp(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] Guid UserId,
    [property: Id(2)] string Handle,
    [property: Id(3)] string Email,
    [property: Id(4)] string DisplayName,
    [property: Id(5)] DateTimeOffset OccurredAt) : IDomainEvent
{
    public Guid AggregateId => UserId;
}
