using Microsoft.Extensions.Options;

namespace Actors.Gateway.Hosting;

internal static class GracefulShutdown
{
    /// <summary>
    /// SIGTERM stops the host: Kestrel closes its listener at once, lets the requests it already took
    /// finish within <see cref="GatewayOptions.ShutdownTimeout"/>, then the Orleans client leaves (the web
    /// server is the last hosted service to start and so the first to stop, so in-flight requests can
    /// still call grains while they drain).
    /// </summary>
    public static WebApplicationBuilder AddActorsGracefulShutdown(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<GatewayOptions>>(
            (host, gateway) => host.ShutdownTimeout = gateway.Value.ShutdownTimeout);
        return builder;
    }
}
