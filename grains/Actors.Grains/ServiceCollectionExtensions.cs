using Actors.Grains.Abstractions;
using Actors.Grains.Analytics;
using Actors.Grains.Cluster;
using Actors.Grains.ColdReads;
using Actors.Grains.Copies;
using Actors.Grains.Data;
using Actors.Grains.Email;
using Actors.Grains.Feeds;
using Actors.Grains.Feeds.FanOut;
using Actors.Grains.Feeds.Timelines;
using Actors.Grains.Outbox;
using Actors.Grains.Placement;
using Actors.Grains.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Actors.Grains;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the pooled PostgreSQL data source and the data layer grains use. The connection string
    /// is read from configuration ("ConnectionStrings:Postgres") and never logged.
    /// </summary>
    public static IServiceCollection AddActorsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(_ =>
        {
            var connectionString = configuration.GetConnectionString("Postgres")
                ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not configured.");
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            // No statement leaves session state behind (settings are SET LOCAL, inside a transaction),
            // so a connection going back to the pool needs no DISCARD ALL: without this, every use of a
            // pooled connection cost PostgreSQL one more transaction.
            builder.ConnectionStringBuilder.NoResetOnClose = true;
            return builder.Build();
        });
        services.AddSingleton<Database>();
        services.AddActorsMembershipFence();
        services.AddSingleton<GroupCommit>();
        services.AddSingleton<WritePath>();
        services.AddOptions<LeaseOptions>().BindConfiguration(LeaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Leasing>();
        services.AddSingleton<GrainMetrics>();
        services.AddSingleton<ColdRows>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// The fence that keeps a silo the cluster declared dead from serving or acknowledging (options
    /// "Fence"): checked on every grain call this silo takes and before every write is acknowledged.
    /// </summary>
    public static IServiceCollection AddActorsMembershipFence(this IServiceCollection services)
    {
        services.AddOptions<FenceOptions>().BindConfiguration(FenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MembershipFence>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<MembershipFence>());
        services.AddSingleton<IIncomingGrainCallFilter, FenceFilter>();
        return services;
    }

    /// <summary>Timelines, fan-out and trending: their options ("Feed"), the page assembler and the silo's copies.</summary>
    public static IServiceCollection AddActorsFeeds(this IServiceCollection services)
    {
        services.AddOptions<FeedOptions>().BindConfiguration(FeedOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(typeof(GrainHandles<>));
        services.AddSingleton<FeedAssembler>();
        services.AddSingleton<PostCopies>();
        services.AddSingleton<AuthorCopies>();
        services.AddSingleton<SiloCopies>();
        services.AddSingleton<FollowerLookup>();
        services.AddPlacementDirector<PerSiloPlacement, PerSiloPlacementDirector>();
        return services;
    }

    /// <summary>
    /// Background work off the request path: the outbox relay and its backlog gauges (hosted services in
    /// each silo), what its consumers need (the store, the SMTP sender), the signal writes use to wake
    /// the relay, and the purge of finished bookkeeping.
    /// </summary>
    public static IServiceCollection AddActorsBackgroundWork(this IServiceCollection services)
    {
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<EmailSender>();
        services.AddHostedService<OutboxRelay>();
        services.AddHostedService<OutboxBacklog>();
        services.AddOptions<SignUpOptions>().BindConfiguration(SignUpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<RetentionPurge>();
        return services;
    }
}
