using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Actors.ServiceDefaults;

public static class Telemetry
{
    /// <summary>Meters of the project's own instruments start with this.</summary>
    public const string MeterPrefix = "Actors.";

    // Fine at the low end, where a served-from-memory request lives, so p95 and p99 below 10 ms can
    // be read from the histogram instead of falling into one bucket.
    private static readonly double[] LatencyBuckets =
        [0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>
    /// Metrics (Prometheus at /metrics), traces (OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set) and JSON
    /// logs carrying trace and span ids, for a process named <paramref name="serviceName"/>.
    /// </summary>
    public static IHostApplicationBuilder AddActorsTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (builder.Configuration.GetValue("Logging:Json", true))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        var otlp = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter("Microsoft.Orleans")
                .AddMeter(MeterPrefix + "*")
                .AddView(i => i.Name.EndsWith(".duration", StringComparison.Ordinal) && i.Unit == "s"
                    ? new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets }
                    : null)
                .AddPrometheusExporter())
            .WithTracing(tracing =>
            {
                // Requests that arrive with a sampled traceparent are always traced; of the others,
                // this share is, and so is the background work a traced request caused. Unsampled
                // requests create no activity at all, which keeps tracing off the hot path's cost.
                var ratio = builder.Configuration.GetValue("Telemetry:TraceSampleRatio", 0.01);
                tracing
                    .SetSampler(new LinkedSampler(ratio))
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsManagementPath(http.Request.Path))
                    .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", MeterPrefix + "*")
                    .AddNpgsql();
                if (!string.IsNullOrEmpty(otlp))
                {
                    tracing.AddOtlpExporter();
                }
            });
        return builder;
    }

    /// <summary>/metrics in Prometheus text format.</summary>
    public static IEndpointConventionBuilder MapActorsMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint("/metrics");

    /// <summary>Whether a request is for /metrics or /health/*: for operators and probes, not the API.</summary>
    public static bool IsManagementPath(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");
}
