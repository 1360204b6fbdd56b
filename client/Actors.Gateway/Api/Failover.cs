using System.Diagnostics;
using Actors.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Api;

/// <summary>
/// Holds a request whose grain call failed because the cluster lost a silo, and runs its handler again
/// with growing pauses until the cluster has moved on (the grain's new activation answers) or
/// <see cref="GatewayOptions.FailoverWindow"/> has passed; then the failure is answered as a 503. A
/// request is run again only when that is safe: any request whose call certainly did not run, and
/// otherwise reads, requests idempotent by their method (PUT, DELETE, PATCH sets fields to values),
/// creates that carry an Idempotency-Key, and endpoints marked <see cref="RetrySafe"/>.
/// </summary>
internal static class Failover
{
    private const string AttemptKey = "actors.failover.attempt";
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(250);

    /// <summary>Marks an endpoint whose handler may run twice for one request with the same outcome.</summary>
    public sealed class RetrySafe;

    public static RouteGroupBuilder FailsOver(this RouteGroupBuilder group)
    {
        group.AddEndpointFilterFactory(Create);
        return group;
    }

    /// <summary>Whether this run of the handler is a repeat: an earlier run may have made its change.</summary>
    public static bool IsRepeat(HttpContext http) => http.Items.ContainsKey(AttemptKey);

    /// <summary>A value fixed for the request: the same in every run of its handler (an id it creates, say).</summary>
    public static T Once<T>(HttpContext http, string name, Func<T> make)
        where T : notnull
    {
        if (http.Items.TryGetValue(name, out var kept) && kept is T value)
        {
            return value;
        }

        value = make();
        http.Items[name] = value;
        return value;
    }

    private static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var options = context.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var clock = context.ApplicationServices.GetRequiredService<TimeProvider>();
        var metrics = context.ApplicationServices.GetRequiredService<GatewayMetrics>();
        return invocation => RunAsync(invocation, next, options.FailoverWindow, clock, metrics);
    }

    private static async ValueTask<object?> RunAsync(
        EndpointFilterInvocationContext invocation, EndpointFilterDelegate next, TimeSpan window, TimeProvider clock,
        GatewayMetrics metrics)
    {
        var http = invocation.HttpContext;
        var started = clock.GetTimestamp();
        if (Safe(http))
        {
            LostCallFilter.MarkRepeatable();
        }

        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await next(invocation);
                if (attempt > 1)
                {
                    metrics.FailedOver(http, "recovered", Stopwatch.GetElapsedTime(started));
                }

                return result;
            }
            catch (Exception ex) when (ClusterFailures.Is(ex, http) && (ClusterFailures.NotRun(ex, http) || Safe(http))
                && clock.GetElapsedTime(started) + pause < window && !http.RequestAborted.IsCancellationRequested)
            {
                http.Items[AttemptKey] = attempt;
                await Task.Delay(pause, clock, http.RequestAborted);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
            catch (Exception ex) when (ClusterFailures.Is(ex, http))
            {
                metrics.FailedOver(http, "gave_up", Stopwatch.GetElapsedTime(started));
                throw;
            }
        }
    }

    private static bool Safe(HttpContext http) =>
        !HttpMethods.IsPost(http.Request.Method) || http.Request.Headers.ContainsKey(Idempotency.Header)
        || http.GetEndpoint()?.Metadata.GetMetadata<RetrySafe>() is not null;
}
