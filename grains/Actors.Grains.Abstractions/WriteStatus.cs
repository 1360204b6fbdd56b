namespace Actors.Grains.Abstractions;

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
