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
        });
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
