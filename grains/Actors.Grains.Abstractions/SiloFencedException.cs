namespace Actors.Grains.Abstractions;

/// <summary>
/// The silo that took the call could not confirm that it still belongs to the cluster (it was paused or
/// cut off long enough to be declared dead, and the cluster has moved on): it refused to serve the call
/// or to acknowledge its write. The caller retries; the call reaches the grain's new activation.
/// </summary>
[GenerateSerializer, Alias("actors.SiloFencedException")]
public sealed class SiloFencedException : Exception
{
    /// <summary>
    /// True when the refusal came after a write committed (the silo paused between the commit and the
    /// reply): the change may be saved. Retrying is safe only for an idempotent request.
    /// </summary>
    [Id(0)]
    public bool OutcomeUnknown { get; init; }

    public SiloFencedException()
    {
    }

    public SiloFencedException(string message)
        : base(message)
    {
    }

    public SiloFencedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
