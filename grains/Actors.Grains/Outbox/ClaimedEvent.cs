namespace Actors.Grains.Outbox;

/// <summary>An outbox event a relay claimed: its row, decoded, and which attempt this is.</summary>
public sealed record ClaimedEvent(long Seq, Guid EventId, string EventType, string Payload, int Attempt);
