using System.Diagnostics;

namespace Actors.Grains.Outbox;

/// <summary>
/// Spans of background work. The relay's publish and the consumer's work on an event are spans of their
/// own traces (background work is not part of the request's latency), each linked to the traced write
/// that queued the event; the telemetry sampler keeps a span whose link was kept.
/// </summary>
internal static class OutboxTracing
{
    public const string SourceName = "Actors.Outbox";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current span's W3C traceparent when it is being recorded, to store with an event; else null.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { Recorded: true, IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>A span about one event, linked to the write that queued it (when that write was traced).</summary>
    public static Activity? Start(string name, ActivityKind kind, Guid eventId, string eventType, string? traceParent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityLink[]? links = traceParent is not null && ActivityContext.TryParse(traceParent, null, out var write)
            ? [new ActivityLink(write)]
            : null;
        // A root: the delivery's own context (an Orleans call, unsampled unless the relay's span was)
        // is not what this work belongs to. The caller is an async method, so this change of the
        // ambient span ends with it.
        Activity.Current = null;
        var activity = Source.StartActivity(name, kind, parentContext: default, links: links);
        activity?.SetTag("messaging.system", "actors.outbox");
        activity?.SetTag("messaging.message.id", eventId.ToString());
        activity?.SetTag("actors.event.type", eventType);
        return activity;
    }
}
