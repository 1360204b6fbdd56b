namespace Actors.Grains;

/// <summary>
/// The database could not be reached or did not answer in time. Nothing was committed or the outcome
/// is unknown; the caller should retry later (the gateway answers 503 with Retry-After).
/// </summary>
[GenerateSerializer, Alias("actors.StoreUnavailableException")]
public sealed class StoreUnavailableException : Exception
{
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
