namespace Actors.Grains.Abstractions.Events;

[GenerateSerializer, Immutable, Alias("actors.PostCreated")]
public sealed record PostCreated(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] Guid PostId,
    [property: Id(2)] Guid AuthorId,
    [property: Id(3)] DateTimeOffset OccurredAt) : IDomainEvent
{
    public Guid AggregateId => PostId;
}
