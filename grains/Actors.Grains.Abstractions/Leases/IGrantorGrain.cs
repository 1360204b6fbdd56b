namespace Actors.Grains.Abstractions.Leases;

/// <summary>
/// One per silo, keyed by the silo's address (<see cref="SiloAddress.ToParsableString"/>): a silo as the
/// grantor of leases. An answer to <see cref="Vouch"/> asked at time t vouches that the silo belonged to
/// the cluster after t; a holder serves the silo's leased values only for a short trust period after the
/// last such answer. A silo declared dead answers nothing (the call fails), whatever it still holds.
/// </summary>
[Alias("actors.IGrantorGrain")]
public interface IGrantorGrain : IGrainWithStringKey
{
    /// <summary>
    /// Answers how many revocations <paramref name="holder"/> missed on this silo (it could not be told of
    /// a change). A holder that has not reset past that count, dropping every entry the silo granted
    /// it, is not vouched for: it resets, and asks again with <paramref name="resets"/> raised to it.
    /// </summary>
    ValueTask<long> Vouch(INearCache holder, long resets);
}
