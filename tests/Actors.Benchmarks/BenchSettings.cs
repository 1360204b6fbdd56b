namespace Actors.Benchmarks;

/// <summary>Where the stack answers and how long to run; from configuration (environment, command line).</summary>
internal sealed record BenchSettings(
    Uri Gateway, Uri GatewayWithoutAdmission, Uri Baseline, string Postgres, string? RawPostgres, string Redis, string ClusterId, string ServiceId,
    TimeSpan Duration, TimeSpan WarmUp, int Connections, string Results, IReadOnlyList<Uri> SiloMetrics, IReadOnlySet<string> Only)
{
    /// <summary>Whether a group of scenarios runs: all by default, or those named by --Only (profile, feed, writes).</summary>
    public bool Runs(string group) => Only.Count == 0 || Only.Contains(group);

    public static BenchSettings From(IConfiguration configuration) => new(
        new Uri(configuration["Gateway"] ?? "http://127.0.0.1:8093"),
        new Uri(configuration["GatewayWithoutAdmission"] ?? "http://127.0.0.1:8096"),
        new Uri(configuration["Baseline"] ?? "http://127.0.0.1:8095"),
        configuration.GetConnectionString("Postgres") ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not set."),
        configuration.GetConnectionString("PostgresRaw"),
        configuration.GetConnectionString("Redis") ?? "127.0.0.1:6379",
        configuration["Cluster:ClusterId"] ?? "actors-local",
        configuration["Cluster:ServiceId"] ?? "actors",
        TimeSpan.FromSeconds(double.Parse(configuration["Seconds"] ?? "10", System.Globalization.CultureInfo.InvariantCulture)),
        TimeSpan.FromSeconds(double.Parse(configuration["WarmUpSeconds"] ?? "10", System.Globalization.CultureInfo.InvariantCulture)),
        int.Parse(configuration["Connections"] ?? "64", System.Globalization.CultureInfo.InvariantCulture),
        configuration["Results"] ?? Path.Combine(Environment.CurrentDirectory, "results"),
        [.. (configuration["SiloMetrics"] ?? "http://127.0.0.1:8081/metrics,http://127.0.0.1:8082/metrics").Split(',').Select(u => new Uri(u))],
        (configuration["Only"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet());
}
