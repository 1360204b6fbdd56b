using Actors.Grains.Abstractions.Leases;
using Actors.Grains.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Copies;

/// <summary>What every grain's <see cref="Holders"/> share: the lease length, the clock, metrics and logs.</summary>
public sealed partial class Leasing(
    IOptions<LeaseOptions> options, TimeProvider clock, GrainMetrics metrics, ILocalSiloDetails silo, ILogger<Leasing> logger)
{
    internal TimeSpan Length { get; } = options.Value.Length;

    internal TimeProvider Clock => clock;

    /// <summary>This silo, named in every lease it grants.</summary>
    internal SiloAddress Grantor => silo.SiloAddress;

    internal GrainMetrics Metrics => metrics;

    /// <summary>The holders of one grain's value; kept by the grain's activation.</summary>
    internal Holders For(LeaseKind kind, Guid id) => new(this, kind, id);

    internal void HolderRetried(LeaseKind kind, Guid id, Exception exception) => LogRetried(logger, kind, id, exception.GetType().Name, exception.Message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A holder of {Kind} {Id} could not be told of a change ({ExceptionType}: {Reason}); asking again until its lease runs out")]
    private static partial void LogRetried(ILogger logger, LeaseKind kind, Guid id, string exceptionType, string reason);
}
