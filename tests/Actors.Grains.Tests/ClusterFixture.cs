using Actors.Grains.Data;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
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

    public NpgsqlDataSource Db { get; } = NpgsqlDataSource.Create(TestDatabase.ConnectionString);

    /// <summary>A fresh user, signed up through its grain; returns its id.</summary>
    public async Task<Guid> SignUpAsync()
    {
        var id = Fresh.Id();
        await Grains.GetGrain<Users.IUserGrain>(id).SignUp(Fresh.User(), null);
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
            // Small enough that a test can make an author "widely followed"; trending refreshes quickly
            // but is never recomputed on the read path within a test's lifetime.
            host.Configuration["Feed:FanOutLimit"] = FanOutLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            host.Configuration["Feed:TrendingRefresh"] = "00:00:01";
            host.Configuration["Feed:TrendingMaxAge"] = "00:10:00";
        });
        // Trace context crosses grain calls, so a test can count the SQL its own request caused.
        builder.ConfigureSilo((_, silo) => silo.AddActivityPropagation());
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
    }
}

[CollectionDefinition(Name)]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
