namespace Actors.Grains.Outbox;

/// <summary>An outbox event a relay claimed: its row, which attempt this is, and the traced write that queued it (if any).</summary>
public sealed record ClaimedEvent(long Seq, Guid EventId, string EventType, string Payload, int Attempt, string? TraceParent = null);
