namespace Actors.Grains.Outbox;

/// <summary>A parked event, as the operator's list shows it.</summary>
public sealed record DeadLetter(Guid EventId, string EventType, Guid AggregateId, int Attempts, int Failures, DateTimeOffset DeadLetteredAt, string? LastError);
