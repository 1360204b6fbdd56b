using System.ComponentModel.DataAnnotations;

namespace Actors.Silo;

/// <summary>
/// How fast the cluster declares a silo dead, through Orleans' membership protocol. Bound from the
/// "FailureDetection" section. Every silo probes the others every <see cref="ProbeTimeout"/> (at least);
/// after <see cref="MissedProbesLimit"/> - 1 failed probes it asks another silo to probe indirectly, and
/// <see cref="VotesForDeath"/> votes (fewer in a cluster of two) declare the silo dead in the table.
/// A killed silo refuses at once, so it is declared dead (MissedProbesLimit - 1) to MissedProbesLimit
/// probe periods after it died; never faster than <see cref="ShortestDeclaration"/>.
/// </summary>
public sealed class FailureDetectionOptions : IValidatableObject
{
    public const string Section = "FailureDetection";

    /// <summary>The probe period and each probe's timeout (Orleans' ProbeTimeout, and its lower bound MinProbeTimeout).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Failed probes in a row before a silo is suspected (Orleans' NumMissedProbesLimit).</summary>
    [Range(2, 10)]
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>Suspicions that declare a silo dead (Orleans' NumVotesForDeathDeclaration; a cluster of two needs one).</summary>
    [Range(1, 10)]
    public int VotesForDeath { get; set; } = 2;

    /// <summary>
    /// Let traffic from a silo excuse its missed probes (Orleans' EnableConnectionLivenessCheck). Off: a
    /// frozen silo keeps its connections open, and with this on it would not be declared dead for a minute.
    /// </summary>
    public bool ConnectionLivenessCheck { get; set; }

    /// <summary>
    /// The soonest the cluster can declare a silo dead after it last answered: the failed probes before
    /// a suspicion, each at least a probe period apart. The fence window and the gateways' grantor trust
    /// stay below it.
    /// </summary>
    public TimeSpan ShortestDeclaration => (MissedProbesLimit - 1) * ProbeTimeout;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ProbeTimeout < TimeSpan.FromMilliseconds(200) || ProbeTimeout > TimeSpan.FromSeconds(30))
        {
            yield return new ValidationResult("FailureDetection:ProbeTimeout must be between 200 ms and 30 s.", [nameof(ProbeTimeout)]);
        }
    }
}
