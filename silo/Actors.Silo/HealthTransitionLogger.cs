using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Actors.Silo;

/// <summary>
/// Runs the readiness checks on a timer even when no orchestrator probes them, and logs each change
/// of state. Besides telling operators when PostgreSQL went away and came back, the periodic check
/// clears connections an outage broke before requests meet them.
/// </summary>
internal sealed partial class HealthTransitionLogger(ILogger<HealthTransitionLogger> logger) : IHealthCheckPublisher
{
    private HealthStatus? _last;

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        if (report.Status != _last)
        {
            var failing = string.Join(", ", report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy)
                .Select(e => $"{e.Key}: {e.Value.Description}"));
            if (report.Status == HealthStatus.Healthy)
            {
                LogHealthy(logger);
            }
            else
            {
                LogUnhealthy(logger, report.Status, failing);
            }

            _last = report.Status;
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo is ready")]
    private static partial void LogHealthy(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo is {Status}: {Failing}")]
    private static partial void LogUnhealthy(ILogger logger, HealthStatus status, string failing);
}
