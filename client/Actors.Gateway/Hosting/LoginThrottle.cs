using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Hosting;

/// <summary>
/// Log-in attempts, limited twice: per account (password guessing, keyed by the email as sent,
/// case-insensitive) and per caller address (spraying many emails from one place, each attempt a slow
/// hash). The address is the caller behind a trusted proxy (<see cref="ForwardedCallers"/>).
/// </summary>
internal sealed class LoginThrottle(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _accounts = PartitionedRateLimiter.Create<string, string>(email =>
        RateLimitPartition.GetTokenBucketLimiter(email, _ => Bucket(options.Value.LoginPermitLimit, options.Value.LoginReplenishmentPeriod)),
        StringComparer.OrdinalIgnoreCase);

    private readonly PartitionedRateLimiter<string> _addresses = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetTokenBucketLimiter(address, _ =>
            Bucket(options.Value.LoginPerAddressPermitLimit, options.Value.LoginPerAddressReplenishmentPeriod)));

    /// <summary>The address's lease first, so a sprayer's attempts do not drain other people's account buckets.</summary>
    public RateLimitLease TryAcquire(string email, IPAddress? caller)
    {
        var address = _addresses.AttemptAcquire(caller?.ToString() ?? "unknown");
        if (!address.IsAcquired)
        {
            return address;
        }

        address.Dispose();
        return _accounts.AttemptAcquire(email);
    }

    public void Dispose()
    {
        _accounts.Dispose();
        _addresses.Dispose();
    }

    private static TokenBucketRateLimiterOptions Bucket(int limit, TimeSpan period) => new()
    {
        TokenLimit = limit,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = period,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
