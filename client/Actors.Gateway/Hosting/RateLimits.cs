using System.Globalization;
using System.Threading.RateLimiting;
using Actors.Gateway.Api;
using Actors.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Hosting;

/// <summary>Token-bucket limits. Bound from the "RateLimit" section.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    /// <summary>Apply the per-caller and sign-up buckets (log-in throttling per account always applies).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Burst size per caller: a signed-in user, or an IP address when anonymous.</summary>
    public int PermitLimit { get; set; } = 200;

    /// <summary>Tokens added back per period: the sustained rate per caller.</summary>
    public int TokensPerPeriod { get; set; } = 100;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Sign-ups per IP address in a burst: each one costs a slow password hash.</summary>
    public int SignUpPermitLimit { get; set; } = 20;

    /// <summary>One more sign-up per IP address every this long.</summary>
    public TimeSpan SignUpReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Log-in attempts per account before it is throttled (password guessing).</summary>
    public int LoginPermitLimit { get; set; } = 10;

    /// <summary>One more log-in attempt per account every this long.</summary>
    public TimeSpan LoginReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(6);
}

internal static class RateLimits
{
    public const string SignUpPolicy = "sign-up";

    public static IServiceCollection AddActorsRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section);
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<GatewayMetrics>();
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var settings = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(CallerKey(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.PermitLimit,
                    TokensPerPeriod = settings.TokensPerPeriod,
                    ReplenishmentPeriod = settings.ReplenishmentPeriod,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.AddPolicy(SignUpPolicy, http =>
            {
                var settings = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter($"ip:{http.Connection.RemoteIpAddress}", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.SignUpPermitLimit,
                    TokensPerPeriod = 1,
                    ReplenishmentPeriod = settings.SignUpReplenishmentPeriod,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = (context, _) => Reject(context.HttpContext, context.Lease);
        });
        return services;
    }

    /// <summary>429 problem+json with Retry-After, for any limiter that said no.</summary>
    public static async ValueTask Reject(HttpContext http, RateLimitLease lease)
    {
        http.RequestServices.GetRequiredService<GatewayMetrics>().RateLimited((http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText);
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = "Slow down and retry after the time in Retry-After.",
                Extensions = { ["code"] = Problems.RateLimited },
            },
        }).ConfigureAwait(false);
    }

    private static string CallerKey(HttpContext http) =>
        http.User.UserId() is { } user ? $"u:{user:N}" : $"ip:{http.Connection.RemoteIpAddress}";
}

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
