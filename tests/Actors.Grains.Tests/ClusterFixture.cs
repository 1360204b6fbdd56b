using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Users;
using Actors.Testing;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Actors.Grains.Tests;

/// <summary>Two in-process silos whose grains write to the real test database.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("Not deployed.");

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Authors with this many followers are merged at read time instead of fanned out.</summary>
    public const int FanOutLimit = 5;

    /// <summary>Failures before an outbox event is parked as dead-lettered.</summary>
    public const int MaxFailures = 3;

    /// <summary>Where the silos send mail.</summary>
    public TestSmtpServer Smtp { get; } = new();

    public NpgsqlDataSource Db { get; } = NpgsqlDataSource.Create(TestDatabase.ConnectionString);

    /// <summary>A fresh user, signed up through its grain; returns its id.</summary>
    public async Task<Guid> SignUpAsync()
    {
        var id = Fresh.Id();
        await Grains.GetGrain<IUserGrain>(id).SignUpAsync(Fresh.User());
        return id;
    }

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration["ConnectionStrings:Postgres"] = TestDatabase.ConnectionString;
            host.Services.AddActorsStorage(host.Configuration);
            host.Services.AddActorsFeeds();
            host.Services.AddActorsBackgroundWork();
            host.Configuration["Email:SmtpHost"] = "127.0.0.1";
            host.Configuration["Email:SmtpPort"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            host.Configuration["Email:Timeout"] = "00:00:05";
            // Retries within a test's patience: 0.2 s, 0.4 s, then parked after the third attempt.
            host.Configuration["Outbox:RetryBaseDelay"] = "00:00:00.200";
            host.Configuration["Outbox:MaxFailures"] = MaxFailures.ToString(System.Globalization.CultureInfo.InvariantCulture);
            host.Configuration["Outbox:PollInterval"] = "00:00:00.100";
            host.Configuration["Outbox:Lease"] = "00:00:10";
            // Small enough that a test can make an author "widely followed"; trending refreshes quickly
            // but is never recomputed on the read path within a test's lifetime.
            host.Configuration["Feed:FanOutLimit"] = FanOutLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            host.Configuration["Feed:TrendingRefresh"] = "00:00:01";
            host.Configuration["Feed:TrendingMaxAge"] = "00:10:00";
        });
        // Trace context crosses grain calls, so a test can count the SQL its own request caused.
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddActivityPropagation();
            silo.AddMemoryStreams(StreamNames.Provider);
            silo.AddAdoNetGrainStorage(StreamNames.PubSubStore, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
                options.Configure<NpgsqlDataSource>((o, dataSource) =>
                {
                    o.Invariant = "Npgsql";
                    o.DataSource = dataSource;
                }));
        });
        builder.ConfigureClient(client => client.AddActivityPropagation());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await Db.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
