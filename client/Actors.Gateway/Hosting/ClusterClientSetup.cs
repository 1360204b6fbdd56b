using Actors.Grains.Abstractions;
using Actors.ServiceDefaults;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Actors.Gateway.Hosting;

internal static partial class ClusterClientSetup
{
    /// <summary>
    /// Makes the gateway an Orleans client that finds silo gateways through the same Redis membership
    /// table the silos use, and keeps trying to connect (with capped backoff) while the cluster starts.
    /// </summary>
    public static WebApplicationBuilder AddActorsClusterClient(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var cluster = configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var gateway = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        var redis = configuration.GetConnectionString("Redis")
            ?? throw new InvalidOperationException("ConnectionStrings:Redis is not configured.");

        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(typeof(GrainHandles<>));
        builder.Services.AddSingleton<GatewayConnections>();
        builder.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<GatewayConnections>());
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = gateway.GrainCallTimeout);
            client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = gateway.GatewayListRefreshPeriod);
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            client.UseConnectionRetryFilter<ConnectRetryFilter>();
            client.AddOutgoingGrainCallFilter<LostCallFilter>();
            client.UseActorsClusterTls(configuration);
            client.AddActivityPropagation();
            // Post views travel to the silos' aggregators on a stream.
            client.AddMemoryStreams(StreamNames.Provider);
        });
        return builder;
    }

    private sealed partial class ConnectRetryFilter(ILogger<ConnectRetryFilter> logger) : IClientConnectionRetryFilter
    {
        private int _attempt;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            var delay = TimeSpan.FromMilliseconds(Math.Min(5_000, 200 * Math.Pow(2, Math.Min(_attempt++, 5))));
            LogRetry(logger, delay.TotalMilliseconds, exception.Message);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            return true;
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster not reachable yet; retrying in {DelayMs} ms: {Reason}")]
        private static partial void LogRetry(ILogger logger, double delayMs, string reason);
    }
}
