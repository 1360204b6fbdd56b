using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Hosting;

internal static class Compression
{
    /// <summary>
    /// Brotli or gzip, as the client's Accept-Encoding prefers, for JSON bodies at or above the
    /// threshold. Only JSON is listed: images are compressed already and problem responses are tiny.
    /// </summary>
    public static IServiceCollection AddActorsCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(o =>
        {
            // No response mixes a secret with text an attacker chooses (the BREACH precondition);
            // the token response is smaller than the threshold anyway.
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ["application/json"];
        });
        // Fastest: on JSON it keeps most of the size win for a fraction of the CPU of higher levels.
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Replace(ServiceDescriptor.Singleton<IResponseCompressionProvider, ThresholdCompressionProvider>());
        return services;
    }

    private sealed class ThresholdCompressionProvider(
        IServiceProvider services, IOptions<ResponseCompressionOptions> options, IOptions<GatewayOptions> gateway)
        : ResponseCompressionProvider(services, options)
    {
        public override bool ShouldCompressResponse(HttpContext context) =>
            context.Response.ContentLength is not { } length || length >= gateway.Value.CompressionThresholdBytes
                ? base.ShouldCompressResponse(context)
                : false;
    }
}
