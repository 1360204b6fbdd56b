namespace Actors.Gateway.Hosting;

internal static class RequestLimits
{
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
