using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Actors.Gateway.Hosting;

/// <summary>
/// Where the gateway listens. The API on the addresses in Urls: HTTP/1.1, and HTTP/2 as well where a
/// URL is https (ALPN picks it; the certificate comes from Kestrel's usual settings). With
/// <see cref="GatewayOptions.ManagementPort"/>, /metrics and /health/* get a port of their own; with
/// <see cref="GatewayOptions.Http2Port"/>, the API also answers HTTP/2 without TLS on that port (h2c,
/// prior knowledge), for a load balancer or edge that speaks HTTP/2 to its upstreams. Both extra ports
/// listen on the same interfaces as the API's.
/// </summary>
internal static class Listeners
{
    public static WebApplicationBuilder AddActorsListeners(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(GatewayOptions.Section);
        var management = settings.GetValue<int?>(nameof(GatewayOptions.ManagementPort));
        var http2 = settings.GetValue<int?>(nameof(GatewayOptions.Http2Port));
        if (management is null && http2 is null)
        {
            return builder;
        }

        var urls = (builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? "http://127.0.0.1:8080")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => new Uri(u.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal)))
            .ToList();
        // Endpoints set here replace Urls; clearing it keeps Kestrel from warning that it does.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Empty);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var interfaces = new HashSet<IPAddress>();
            foreach (var url in urls)
            {
                var address = Address(url.Host);
                interfaces.Add(address);
                kestrel.Listen(address, url.Port, listen =>
                {
                    if (url.Scheme == Uri.UriSchemeHttps)
                    {
                        listen.UseHttps();
                    }
                });
            }

            foreach (var address in interfaces)
            {
                if (management is { } managementPort)
                {
                    kestrel.Listen(address, managementPort);
                }

                if (http2 is { } http2Port)
                {
                    kestrel.Listen(address, http2Port, listen => listen.Protocols = HttpProtocols.Http2);
                }
            }
        });
        return builder;
    }

    private static IPAddress Address(string host) =>
        host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host.Trim('[', ']'));
}
