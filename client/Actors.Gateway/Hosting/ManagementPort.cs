using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Actors.Gateway.Hosting;

/// <summary>
/// With <see cref="GatewayOptions.ManagementPort"/> set, /metrics and /health/* answer on that port only
/// and the API does not answer there: the Service for the public API exposes the API port alone, while
/// probes and Prometheus use the management port. Unset, everything shares the API port.
/// </summary>
internal static class ManagementPort
{
    public static WebApplicationBuilder AddActorsManagementPort(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<int?>($"{GatewayOptions.Section}:{nameof(GatewayOptions.ManagementPort)}") is not { } port)
        {
            return builder;
        }

        // Listen on the management port beside the API's addresses (Urls), on the same interfaces.
        var urls = (builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? "http://127.0.0.1:8080")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var management = urls.Select(u => new UriBuilder(u.Replace("+", "0.0.0.0", StringComparison.Ordinal).Replace("*", "0.0.0.0", StringComparison.Ordinal)) { Port = port })
            .Select(u => $"{u.Scheme}://{u.Host}:{u.Port}").Distinct(StringComparer.Ordinal);
        builder.WebHost.UseUrls([.. urls, .. management]);
        return builder;
    }

    /// <summary>Answers 404 to management paths off the management port and to everything else on it.</summary>
    public static IApplicationBuilder UseActorsManagementPort(this IApplicationBuilder app, IConfiguration configuration)
    {
        if (configuration.GetValue<int?>($"{GatewayOptions.Section}:{nameof(GatewayOptions.ManagementPort)}") is not { } port)
        {
            return app;
        }

        return app.Use((http, next) =>
        {
            var path = http.Request.Path;
            var management = path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");
            if (management != (http.Connection.LocalPort == port))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(http);
        });
    }
}
