using Actors.Grains.Abstractions;
using Actors.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Actors.Stack.Tests.Infrastructure;

/// <summary>An Orleans client of the test process joined to a stack's cluster through Redis, to ask the cluster about itself.</summary>
internal sealed class ClusterClient : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterClient(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <param name="stack">The stack whose cluster to join.</param>
    /// <param name="tls">ClusterTls settings (environment-variable names) to join with; by default the stack's own.</param>
    public static async Task<ClusterClient> ConnectAsync(Deployment stack, IReadOnlyDictionary<string, string>? tls = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection((tls ?? stack.ClusterTlsSettings)
            .Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = stack.ClusterId;
                o.ServiceId = Deployment.ServiceId;
            });
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(TestEnvironment.Redis));
            client.AddMemoryStreams(StreamNames.Provider);
            client.UseActorsClusterTls(builder.Configuration);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new ClusterClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
