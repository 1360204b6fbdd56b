using System.Text.Json.Serialization;

namespace Actors.Gateway.Api;

/// <summary>Every list: items plus an opaque cursor for the next page (null on the last page).</summary>
public sealed record PageResponse<T>(
    IReadOnlyList<T> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
