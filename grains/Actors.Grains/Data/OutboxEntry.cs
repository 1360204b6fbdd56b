using System.Text.Json;
using Actors.Grains.Abstractions.Events;
using Npgsql;
using NpgsqlTypes;

namespace Actors.Grains.Data;

/// <summary>An event as an outbox row: its id, a stable type name and a camelCase JSON payload.</summary>
internal readonly record struct OutboxEntry(Guid EventId, string EventType, string Payload)
{
    public static OutboxEntry For(SignUpRequested e) => new(e.EventId, nameof(SignUpRequested), JsonSerializer.Serialize(e, EventJson.Default.SignUpRequested));

    public static OutboxEntry For(UserSignedUp e) => new(e.EventId, nameof(UserSignedUp), JsonSerializer.Serialize(e, EventJson.Default.UserSignedUp));

    public static OutboxEntry For(UserProfileUpdated e) => new(e.EventId, nameof(UserProfileUpdated), JsonSerializer.Serialize(e, EventJson.Default.UserProfileUpdated));

    public static OutboxEntry For(PostCreated e) => new(e.EventId, nameof(PostCreated), JsonSerializer.Serialize(e, EventJson.Default.PostCreated));

    public static OutboxEntry For(AvatarUploaded e) => new(e.EventId, nameof(AvatarUploaded), JsonSerializer.Serialize(e, EventJson.Default.AvatarUploaded));

    public static OutboxEntry For(PostDeleted e) => new(e.EventId, nameof(PostDeleted), JsonSerializer.Serialize(e, EventJson.Default.PostDeleted));

    /// <summary>The event an outbox row holds, or null for a type this version does not know.</summary>
    public static IDomainEvent? Decode(string eventType, string payload) => eventType switch
    {
        nameof(SignUpRequested) => JsonSerializer.Deserialize(payload, EventJson.Default.SignUpRequested),
        nameof(UserSignedUp) => JsonSerializer.Deserialize(payload, EventJson.Default.UserSignedUp),
        nameof(UserProfileUpdated) => JsonSerializer.Deserialize(payload, EventJson.Default.UserProfileUpdated),
        nameof(PostCreated) => JsonSerializer.Deserialize(payload, EventJson.Default.PostCreated),
        nameof(PostDeleted) => JsonSerializer.Deserialize(payload, EventJson.Default.PostDeleted),
        nameof(AvatarUploaded) => JsonSerializer.Deserialize(payload, EventJson.Default.AvatarUploaded),
        _ => null,
    };

    /// <summary>
    /// Adds <c>@event_id</c>, <c>@event_type</c>, <c>@event_payload</c> and <c>@trace_parent</c> (the write's span, when
    /// it is traced) for <see cref="Outbox.OutboxSql.Announce"/>.
    /// </summary>
    public void AddParameters(NpgsqlParameterCollection parameters)
    {
        parameters.Add(new NpgsqlParameter<Guid>("event_id", EventId));
        parameters.Add(new NpgsqlParameter<string>("event_type", EventType));
        parameters.Add(new NpgsqlParameter<string>("event_payload", Payload) { NpgsqlDbType = NpgsqlDbType.Jsonb });
        parameters.Add(Sql.Text("trace_parent", Outbox.OutboxTracing.CurrentTraceParent()));
    }
}
