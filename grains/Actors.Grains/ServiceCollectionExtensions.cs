using Actors.Grains.Data;
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
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        services.AddSingleton(_ =>
        {
            var connectionString = configuration.GetConnectionString("Postgres")
                ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not configured.");
            return new NpgsqlDataSourceBuilder(connectionString).Build();
        });
        services.AddSingleton<Database>();
        services.AddSingleton<GrainMetrics>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
