using Actors.Grains;
using Actors.Grains.Outbox;
using Actors.ServiceDefaults;
using Actors.Silo;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

if (args is ["migrate", ..])
{
    // The explicit schema step: the local script and the Kubernetes migration Job run this.
    var migrateBuilder = Host.CreateApplicationBuilder(args[1..]);
    migrateBuilder.Services.AddActorsStorage(migrateBuilder.Configuration);
    migrateBuilder.Services.AddSingleton<Migrator>();
    using var migrateHost = migrateBuilder.Build();
    var applied = await migrateHost.Services.GetRequiredService<Migrator>().ApplyAsync(Migrator.DefaultDirectory);
    Console.WriteLine(applied.Count == 0 ? "schema is up to date" : $"applied {applied.Count} migration(s): {string.Join(", ", applied)}");
    return 0;
}

if (args is ["outbox", ..])
{
    // Operators' commands: list dead-lettered events, and put them back in the queue once fixed.
    var outboxBuilder = Host.CreateApplicationBuilder();
    outboxBuilder.Services.AddActorsStorage(outboxBuilder.Configuration);
    outboxBuilder.Services.AddSingleton<OutboxStore>();
    outboxBuilder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section);
    using var outboxHost = outboxBuilder.Build();
    return await OutboxCommands.RunAsync(outboxHost.Services.GetRequiredService<OutboxStore>(), args[1..], Console.Out);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddActorsTelemetry("actors-silo");
builder.AddActorsSilo();

var app = builder.Build();
app.MapActorsHealth();
app.MapActorsMetrics();
if (app.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value.EnableDashboard)
{
    app.MapOrleansDashboard(routePrefix: "/dashboard");
}
await app.RunAsync();
return 0;
