using Actors.Gateway.Analytics;
using Actors.Gateway.Api;
using Actors.Gateway.Auth;
using Actors.Gateway.Hosting;
using Actors.Gateway.Caching;
using Actors.ServiceDefaults;
using Scalar.AspNetCore;

SocketTuning.PreferInlineCompletions();
var builder = WebApplication.CreateBuilder(args);
builder.AddActorsTelemetry("actors-gateway");
builder.AddActorsClusterClient();
builder.AddActorsGracefulShutdown();
builder.AddActorsRequestLimits();
builder.AddActorsListeners();
builder.Services.AddActorsAuthentication();
builder.Services.AddActorsProblemDetails();
builder.Services.AddActorsCompression();
builder.Services.AddActorsForwardedCallers();
builder.Services.AddActorsRateLimits();
builder.Services.AddActorsOpenApi();
builder.Services.AddActorsNearCache();
builder.Services.AddExceptionHandler<UnavailableExceptionHandler>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOptions<ViewOptions>().BindConfiguration(ViewOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<ViewCounter>();
builder.Services.AddHostedService<ViewPublisher>();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJson.Default));
builder.Services.AddHealthChecks()
    .AddCheck<ClusterHealthCheck>("cluster", tags: [HealthTags.Ready])
    // Not readiness: the gateway keeps the last silo list it read and serves while Redis is away.
    .AddCheck<RedisHealthCheck>("redis", tags: [HealthTags.Dependency]);

var app = builder.Build();
// First: everything after it (rate limits, logs) sees the caller behind a trusted proxy.
app.UseActorsForwardedCallers();
app.UseActorsManagementPort(app.Configuration);
app.UseExceptionHandler();
app.UseStatusCodePages();
// HEAD runs as the GET it mirrors: rewritten before routing picks the endpoint.
app.UseHeadAsGet();
app.UseRouting();
if (app.Configuration.GetValue(GatewayOptions.Section + ":" + nameof(GatewayOptions.EnableCompression), true))
{
    app.UseResponseCompression();
}

app.UseUtf8Bodies();
app.UseAuthentication();
if (app.Configuration.GetValue(RateLimitOptions.Section + ":" + nameof(RateLimitOptions.Enabled), true))
{
    app.UseRateLimiter();
}

app.UseAuthorization();

app.MapUsersApi();
app.MapPostsApi();
app.MapFeedsApi();
app.MapAvatarsApi();
app.MapSessionsApi();
app.MapActorsMetrics().DisableRateLimiting();
app.MapOpenApi("/openapi/{documentName}.json");
app.MapScalarApiReference("/docs", o => o.WithTitle("Actors API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
// Probes are never rate limited: an orchestrator must always get its answer.
app.MapActorsHealth().DisableRateLimiting();

await app.RunAsync();
