namespace Actors.Grains.Abstractions;

/// <summary>
/// The database could not be reached or did not answer in time. Nothing was committed or the outcome
/// is unknown; the caller should retry later (the gateway answers 503 with Retry-After).
/// </summary>
[GenerateSerializer, Alias("actors.StoreUnavailableException")]
public sealed class StoreUnavailableException : Exception
{
    /// <summary>
    /// True when a write was sent but its answer was lost: it may have committed. Retrying is safe
    /// only with an Idempotency-Key.
    /// </summary>
    [Id(0)]
    public bool OutcomeUnknown { get; init; }

    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
