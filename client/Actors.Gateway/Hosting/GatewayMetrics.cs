using System.Diagnostics.Metrics;

namespace Actors.Gateway.Hosting;

/// <summary>The gateway's own instruments (meter "Actors.Gateway").</summary>
internal sealed class GatewayMetrics
{
    private readonly Counter<long> _rateLimited;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Actors.Gateway");
        _rateLimited = meter.CreateCounter<long>("actors.ratelimit.rejections", "{request}", "Requests refused with 429.");
    }

    public void RateLimited(string? route) =>
        _rateLimited.Add(1, new KeyValuePair<string, object?>("http.route", route ?? "unknown"));
}
