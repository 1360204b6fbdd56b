using Actors.Benchmarks;

if (args is ["baseline", ..])
{
    await BaselineServer.RunAsync(args[1..]);
    return 0;
}

if (args is ["background", ..])
{
    var background = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args[1..]).Build();
    return await new BackgroundBenchmark(BenchSettings.From(background),
        background.GetConnectionString("PostgresNoEmail") ?? throw new InvalidOperationException("ConnectionStrings:PostgresNoEmail is not set."),
        TimeSpan.FromSeconds(double.Parse(background["SoakSeconds"] ?? "900", System.Globalization.CultureInfo.InvariantCulture)),
        background["SiloDll"]!, background["GatewayDll"]!,
        background["Auth:SigningKey"]!).RunAsync();
}

if (args is ["failover", ..])
{
    var failover = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args[1..]).Build();
    return await new FailoverBenchmark(BenchSettings.From(failover),
        TimeSpan.FromSeconds(double.Parse(failover["SoakSeconds"] ?? "600", System.Globalization.CultureInfo.InvariantCulture)),
        failover["SiloDll"]!, failover["GatewayDll"]!, failover["Auth:SigningKey"]!).RunAsync();
}

var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
return await new Runner(BenchSettings.From(configuration),
    configuration["Auth:SigningKey"] ?? throw new InvalidOperationException("Auth:SigningKey is not set.")).RunAsync();
