using Actors.Grains.Abstractions.Events;

namespace Actors.Grains.Outbox;

/// <summary>
/// What a relay puts on a consumer stream: the event, which attempt this delivery is, and the W3C
/// traceparent of the traced write that queued it (null when that write was not traced).
/// </summary>
[GenerateSerializer, Immutable, Alias("actors.OutboxDelivery")]
public sealed record OutboxDelivery(
    [property: Id(0)] IDomainEvent Event,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string? TraceParent = null);
