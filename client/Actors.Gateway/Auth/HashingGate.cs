using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Auth;

/// <summary>
/// At most <see cref="AuthOptions.MaxConcurrentHashes"/> password hashes run at once, with a short queue
/// (<see cref="AuthOptions.HashQueueLimit"/>). Beyond it a request is shed at once with
/// <see cref="ServerBusyException"/> (503 with Retry-After) instead of waiting without bound while
/// every core hashes.
/// </summary>
public sealed class HashingGate(IOptions<AuthOptions> options) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxConcurrentHashes,
        QueueLimit = options.Value.HashQueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public async ValueTask<RateLimitLease> EnterAsync(CancellationToken ct)
    {
        var lease = await _limiter.AcquireAsync(1, ct);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new ServerBusyException("Too many password checks at once.");
        }

        return lease;
    }

    public void Dispose() => _limiter.Dispose();
}
