using Orleans.Concurrency;

namespace Actors.Grains.Abstractions.Users;

/// <summary>
/// Log-in checks next to the data. A stored password hash never leaves the silo: the gateway learns only
/// how to derive a key (<see cref="GetParameters"/>), derives it from the password it was sent, and the
/// silo compares (<see cref="Verify"/>).
/// </summary>
[Alias("actors.ICredentialsGrain")]
public interface ICredentialsGrain : IGrainWithIntegerKey
{
    /// <summary>Salt and cost of the account with this email (case-insensitive), or null when there is none.</summary>
    [ReadOnly]
    ValueTask<PasswordParameters?> GetParameters(string email);

    /// <summary>
    /// The account's id when <paramref name="derivedKey"/> matches its stored hash, else null. A matching
    /// call may carry <paramref name="replacement"/>, a stored password of a higher cost: it replaces the
    /// stored hash (upgrade at log-in).
    /// </summary>
    ValueTask<Guid?> Verify(string email, byte[] derivedKey, string? replacement);
}
