using Actors.Benchmarks;

if (args is ["baseline", ..])
{
    await BaselineServer.RunAsync(args[1..]);
    return 0;
}

var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
return await new Runner(BenchSettings.From(configuration)).RunAsync();
