namespace Actors.Grains.Abstractions.Events;

[GenerateSerializer, Immutable, Alias("actors.UserProfileUpdated")]
public sealed record UserProfileUpdated(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] Guid UserId,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset OccurredAt) : IDomainEvent
{
    public Guid AggregateId => UserId;
}
