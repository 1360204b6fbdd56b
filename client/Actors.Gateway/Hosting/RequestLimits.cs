using Actors.Gateway.Api;
using Microsoft.Net.Http.Headers;

namespace Actors.Gateway.Hosting;

internal static class RequestLimits
{
    /// <summary>
    /// Bodies are JSON in UTF-8 (RFC 8259). Another declared charset is a 415 here, before the JSON
    /// reader would fail on it deep inside model binding.
    /// </summary>
    public static IApplicationBuilder UseUtf8Bodies(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var contentType = http.Request.ContentType;
        if (contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var media)
            && media.Charset.HasValue
            && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !media.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            await Problems.Of(StatusCodes.Status415UnsupportedMediaType, Problems.UnsupportedMediaType,
                "Unsupported media type.", "Send JSON encoded as UTF-8.").ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        await next(http).ConfigureAwait(false);
    });

    /// <summary>Kestrel refuses oversized bodies (413) and header sections (431) before any handler runs.</summary>
    public static WebApplicationBuilder AddActorsRequestLimits(this WebApplicationBuilder builder)
    {
        var gateway = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = gateway.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = gateway.MaxRequestHeadersBytes;
            kestrel.AddServerHeader = false;
        });
        return builder;
    }
}
