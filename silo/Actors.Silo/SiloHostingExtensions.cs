using System.Net;
using Actors.Grains;
using Actors.Grains.Abstractions;
using Actors.Grains.Cluster;
using Actors.ServiceDefaults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using StackExchange.Redis;

namespace Actors.Silo;

public static class SiloHostingExtensions
{
    /// <summary>
    /// Makes this process an Orleans silo: membership in Redis, explicit ports and advertised address,
    /// the streams' pub-sub state in PostgreSQL, grains writing through to PostgreSQL.
    /// </summary>
    public static WebApplicationBuilder AddActorsSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<SiloHostOptions>().BindConfiguration(SiloHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ClusterSettings>().BindConfiguration(ClusterSettings.Section);
        builder.Services.AddOptions<FailureDetectionOptions>().BindConfiguration(FailureDetectionOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        var silo = configuration.GetSection(SiloHostOptions.Section).Get<SiloHostOptions>() ?? new SiloHostOptions();
        var detection = configuration.GetSection(FailureDetectionOptions.Section).Get<FailureDetectionOptions>() ?? new FailureDetectionOptions();
        var cluster = configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        // Checked here so a missing setting stops the silo at start with its name, not at first use.
        _ = RequiredConnectionString(configuration, "Postgres");
        var redis = RequiredConnectionString(configuration, "Redis");

        builder.Services.AddActorsStorage(configuration);
        // The fence's argument holds only while its window is shorter than any death declaration.
        builder.Services.AddOptions<FenceOptions>().Validate(
            fence => fence.Window < detection.ShortestDeclaration,
            $"Fence:Window must stay below the shortest death declaration, {detection.ShortestDeclaration} "
            + "((FailureDetection:MissedProbesLimit - 1) x FailureDetection:ProbeTimeout).");
        builder.Services.AddActorsFeeds();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = silo.ShutdownTimeout);

        builder.UseOrleans(orleans =>
        {
            orleans.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            orleans.Configure<SiloOptions>(o => o.SiloName = silo.Name ?? $"{Environment.MachineName}-{silo.SiloPort}");
            orleans.ConfigureEndpoints(IPAddress.Parse(silo.AdvertisedIP), silo.SiloPort, silo.GatewayPort, silo.ListenOnAnyAddress);
            orleans.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            orleans.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = detection.ProbeTimeout;
                o.MinProbeTimeout = detection.ProbeTimeout;
                o.MaxProbeTimeout = 2 * detection.ProbeTimeout;
                o.NumMissedProbesLimit = detection.MissedProbesLimit;
                o.NumVotesForDeathDeclaration = detection.VotesForDeath;
                o.EnableIndirectProbes = true;
                o.EnableConnectionLivenessCheck = detection.ConnectionLivenessCheck;
            });
            orleans.UseActorsClusterTls(builder.Configuration);
            orleans.Configure<GrainCollectionOptions>(o =>
            {
                o.CollectionAge = silo.CollectionAge;
                o.EnableActivationSheddingOnMemoryPressure = true;
                o.MemoryUsageLimitPercentage = silo.MemoryLimitPercentage;
                o.MemoryUsageTargetPercentage = Math.Min(silo.MemoryTargetPercentage, silo.MemoryLimitPercentage - 1);
            });
            orleans.Configure<GrainDirectoryOptions>(o => o.CacheSize = silo.DirectoryCacheSize);
            // Orleans' own storage shares the grains' connection pool: one pool to size, and clearing
            // it after an outage helps both.
            orleans.AddAdoNetGrainStorage(StreamNames.PubSubStore, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
                options.Configure<NpgsqlDataSource>((o, dataSource) =>
                {
                    o.Invariant = "Npgsql";
                    o.DataSource = dataSource;
                }));
            // Messages leave the stream cache after the retention (see SiloHostOptions). What the cache
            // remembers of a purged stream (its last token, so a caught-up consumer on a quiet stream is
            // not mistaken for one that fell behind) is one entry per stream, and the streams are a fixed
            // set of partitions: kept for a day rather than Orleans' 10 minutes.
            orleans.AddMemoryStreams(StreamNames.Provider, streams => streams.ConfigureCacheEviction(eviction => eviction.Configure(o =>
            {
                o.DataMinTimeInCache = silo.StreamCacheRetention;
                o.DataMaxAgeInCache = silo.StreamCacheRetention;
                o.MetadataMinTimeInCache = TimeSpan.FromDays(1);
            })));
            orleans.AddActivityPropagation();
            if (silo.EnableDashboard)
            {
                // Off by default: it profiles every grain call.
                orleans.AddDashboard();
            }
        });

        // Registered after the silo: hosted services start one after another in registration order and
        // stop in reverse. So the outbox relay starts publishing only once the silo has joined and its
        // stream provider is initialized (a silo added to a running cluster finds events already due,
        // and publishing before that crashed it), and on SIGTERM it stops before the silo leaves.
        builder.Services.AddActorsBackgroundWork();
        builder.Services.AddHealthChecks()
            .AddCheck<SiloMembershipHealthCheck>("membership", tags: [HealthTags.Startup, HealthTags.Ready])
            .AddCheck<PostgresHealthCheck>("postgres", tags: [HealthTags.Ready])
            // Not readiness: a silo that knows the cluster serves while Redis is away.
            .AddCheck<RedisHealthCheck>("redis", tags: [HealthTags.Dependency]);
        builder.Services.AddSingleton<IHealthCheckPublisher, HealthTransitionLogger>();
        builder.Services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(2);
            o.Period = silo.HealthCheckPeriod;
            o.Predicate = c => c.Tags.Contains(HealthTags.Ready);
        });
        return builder;
    }

    private static string RequiredConnectionString(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name)
        ?? throw new OptionsValidationException(name, typeof(string), [$"ConnectionStrings:{name} is not configured."]);
}
