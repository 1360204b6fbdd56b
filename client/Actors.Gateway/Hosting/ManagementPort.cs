using Actors.ServiceDefaults;

namespace Actors.Gateway.Hosting;

/// <summary>
/// With <see cref="GatewayOptions.ManagementPort"/> set, /metrics and /health/* answer on that port only
/// and the API does not answer there: the Service for the public API exposes the API port alone, while
/// probes and Prometheus use the management port. Unset, everything shares the API port.
/// </summary>
internal static class ManagementPort
{
    /// <summary>Answers 404 to management paths off the management port and to everything else on it.</summary>
    public static IApplicationBuilder UseActorsManagementPort(this IApplicationBuilder app, IConfiguration configuration)
    {
        if (configuration.GetValue<int?>($"{GatewayOptions.Section}:{nameof(GatewayOptions.ManagementPort)}") is not { } port)
        {
            return app;
        }

        return app.Use((http, next) =>
        {
            if (Telemetry.IsManagementPath(http.Request.Path) != (http.Connection.LocalPort == port))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(http);
        });
    }
}
