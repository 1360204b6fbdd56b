namespace Actors.Grains.Data;

/// <summary>How the data layer reaches PostgreSQL. Bound from the "Database" section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Times a failed connection attempt is retried before the caller hears "unavailable".</summary>
    public int ConnectRetries { get; set; } = 3;

    /// <summary>First retry delay; each further retry doubles it, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Longest one database operation may take, retries included. Keep it below the gateway's
    /// grain-call timeout (Gateway:GrainCallTimeout).
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
