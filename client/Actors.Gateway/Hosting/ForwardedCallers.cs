using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Hosting;

/// <summary>
/// Sets the caller's address (and scheme) from the forwarding headers of trusted proxies only. RFC 7239
/// <c>Forwarded</c> is read too, when a proxy sends it instead of <c>X-Forwarded-For</c>.
/// </summary>
internal static class ForwardedCallers
{
    public static IServiceCollection AddActorsForwardedCallers(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((o, proxy) =>
        {
            o.ForwardLimit = proxy.Value.ForwardLimit;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in proxy.Value.Networks())
            {
                o.KnownIPNetworks.Add(network);
            }

            // Empty lists would make ASP.NET Core trust every sender: with no trusted proxy, read no header.
            o.ForwardedHeaders = o.KnownIPNetworks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        });
        return services;
    }

    public static IApplicationBuilder UseActorsForwardedCallers(this IApplicationBuilder app) => app
        .Use((http, next) =>
        {
            var headers = http.Request.Headers;
            if (!headers.ContainsKey(ForwardedHeadersDefaults.XForwardedForHeaderName) && headers.TryGetValue("Forwarded", out var forwarded)
                && RfcForwarded.TryTranslate(forwarded, out var forwardedFor, out var proto))
            {
                // The forwarded-headers step below decides whether the sender is trusted.
                headers[ForwardedHeadersDefaults.XForwardedForHeaderName] = forwardedFor;
                if (proto is not null && !headers.ContainsKey(ForwardedHeadersDefaults.XForwardedProtoHeaderName))
                {
                    headers[ForwardedHeadersDefaults.XForwardedProtoHeaderName] = proto;
                }
            }

            return next(http);
        })
        .UseForwardedHeaders();
}
