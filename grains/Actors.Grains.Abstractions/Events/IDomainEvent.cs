namespace Actors.Grains.Abstractions.Events;

/// <summary>
/// A fact written to the outbox in the same transaction as the change it describes, then relayed to
/// streams. <see cref="EventId"/> is what consumers record to apply each event exactly once.
/// </summary>
public interface IDomainEvent
{
    Guid EventId { get; }

    /// <summary>The entity the event is about; consumers keyed by entity see its events in order.</summary>
    Guid AggregateId { get; }

    DateTimeOffset OccurredAt { get; }
}
