namespace Actors.Grains.Outbox;

/// <summary>How a write's statement records its event in the outbox table, built in one place.</summary>
internal static class OutboxSql
{
    /// <summary>
    /// An INSERT of the write's event for each row <paramref name="source"/> returns, so no event exists
    /// for a change that matched nothing. Parameters: the entry's (<c>@event_id</c>, <c>@event_type</c>,
    /// <c>@event_payload</c>, <c>@trace_parent</c>, see <see cref="Data.OutboxEntry.AddParameters"/>) and <c>@now</c>.
    /// </summary>
    /// <param name="source">The CTE whose rows announce the event.</param>
    /// <param name="aggregate">The column of <paramref name="source"/> naming the entity the event is about.</param>
    /// <param name="payload">The payload expression; the entry's JSON unless the statement completes it.</param>
    public static string Announce(string source, string aggregate = "id", string payload = "@event_payload") => $"""
        INSERT INTO outbox (event_id, event_type, aggregate_id, payload, occurred_at, trace_parent)
            SELECT @event_id, @event_type, {aggregate}, {payload}, @now, @trace_parent FROM {source}
        """;
}
