namespace Actors.Grains.Abstractions;

/// <summary>The outcome of a write: the entity as committed, or why nothing was committed.</summary>
/// <param name="ErrorCode">A stable machine-readable reason (for example <c>email_taken</c>) when the write was refused.</param>
[GenerateSerializer, Immutable, Alias("actors.WriteResult`1")]
public sealed record WriteResult<T>(
    [property: Id(0)] WriteStatus Status,
    [property: Id(1)] T? Value,
    [property: Id(2)] string? ErrorCode)
{
    public bool Succeeded => Status is WriteStatus.Ok or WriteStatus.Created;
}
