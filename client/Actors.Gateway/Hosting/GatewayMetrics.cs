using System.Diagnostics.Metrics;

namespace Actors.Gateway.Hosting;

/// <summary>The gateway's own instruments (meter "Actors.Gateway").</summary>
internal sealed class GatewayMetrics
{
    private readonly Counter<long> _rateLimited;
    private readonly Histogram<double> _failedOver;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Actors.Gateway");
        _rateLimited = meter.CreateCounter<long>("actors.ratelimit.rejections", "{request}", "Requests refused with 429.");
        _failedOver = meter.CreateHistogram<double>("actors.failover.duration", "s",
            "Requests held and run again after the cluster lost a silo, by outcome: recovered (answered by the grain's new "
            + "activation) or gave_up (the failover window passed, or repeating was not safe): the time from the request's start.");
    }

    public void FailedOver(HttpContext http, string outcome, TimeSpan elapsed) =>
        _failedOver.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("http.route", (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unknown"));

    public void RateLimited(string? route) =>
        _rateLimited.Add(1, new KeyValuePair<string, object?>("http.route", route ?? "unknown"));
}
