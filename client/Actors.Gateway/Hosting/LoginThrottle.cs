using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Hosting;

/// <summary>Per-account log-in attempts, keyed by the email as sent (case-insensitive).</summary>
internal sealed class LoginThrottle(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(email =>
        RateLimitPartition.GetTokenBucketLimiter(email, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.LoginPermitLimit,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = options.Value.LoginReplenishmentPeriod,
            QueueLimit = 0,
            AutoReplenishment = true,
        }), StringComparer.OrdinalIgnoreCase);

    public RateLimitLease TryAcquire(string email) => _limiter.AttemptAcquire(email);

    public void Dispose() => _limiter.Dispose();
}
