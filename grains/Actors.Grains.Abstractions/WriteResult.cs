namespace Actors.Grains.Abstractions;

/// <summary>Factories for <see cref="WriteResult{T}"/>.</summary>
public static class WriteResult
{
    public static WriteResult<T> Ok<T>(T value) => new(WriteStatus.Ok, value, null);

    public static WriteResult<T> Created<T>(T value) => new(WriteStatus.Created, value, null);

    public static WriteResult<T> Refused<T>(WriteStatus status, string code) => new(status, default, code);
}
