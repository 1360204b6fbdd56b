namespace Actors.Grains;

/// <summary>How a grain write ended. Expected refusals travel as values; only infrastructure failures are exceptions.</summary>
[GenerateSerializer, Alias("actors.WriteStatus")]
public enum WriteStatus
{
    Ok = 0,
    Created = 1,
    NotFound = 2,
    Conflict = 3,
    VersionMismatch = 4,
    Forbidden = 5,
    Invalid = 6,
}

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

/// <summary>Factories for <see cref="WriteResult{T}"/>.</summary>
public static class WriteResult
{
    public static WriteResult<T> Ok<T>(T value) => new(WriteStatus.Ok, value, null);

    public static WriteResult<T> Created<T>(T value) => new(WriteStatus.Created, value, null);

    public static WriteResult<T> Refused<T>(WriteStatus status, string code) => new(status, default, code);
}
