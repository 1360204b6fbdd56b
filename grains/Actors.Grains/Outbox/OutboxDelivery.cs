using Actors.Grains.Events;

namespace Actors.Grains.Outbox;

/// <summary>What a relay puts on a consumer stream: the event and which attempt this delivery is.</summary>
[GenerateSerializer, Immutable, Alias("actors.OutboxDelivery")]
public sealed record OutboxDelivery(
    [property: Id(0)] IDomainEvent Event,
    [property: Id(1)] int Attempt);
