using System.Globalization;
using System.Threading.RateLimiting;
using Actors.Gateway.Api;
using Actors.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Hosting;

internal static class RateLimits
{
    public const string SignUpPolicy = "sign-up";

    public static IServiceCollection AddActorsRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
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
