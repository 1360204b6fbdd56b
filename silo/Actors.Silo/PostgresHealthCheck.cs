using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Actors.Silo;

/// <summary>Healthy when a pooled connection can run a trivial query within the check's time budget.</summary>
internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // Probes keep running through an outage: each failed one discards the pooled connections
            // it broke, so requests after recovery get fresh ones.
            dataSource.Clear();
            return HealthCheckResult.Unhealthy("PostgreSQL is unreachable");
        }
    }
}
