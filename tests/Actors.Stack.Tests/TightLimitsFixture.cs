using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>
/// A stack of its own, with limits small enough to reach in a test, the Orleans Dashboard on, and
/// what is past retention purged every second.
/// </summary>
public sealed class TightLimitsFixture : IAsyncLifetime
{
    private Deployment? _stack;

    internal Deployment Stack => _stack ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _stack = await Deployment.StartAsync(silos: 1, new Dictionary<string, string>
    {
        ["RateLimit__PermitLimit"] = "30",
        ["RateLimit__TokensPerPeriod"] = "1",
        ["RateLimit__ReplenishmentPeriod"] = "00:01:00",
        ["RateLimit__LoginPermitLimit"] = "3",
        ["RateLimit__LoginReplenishmentPeriod"] = "00:01:00",
        ["RateLimit__LoginPerAddressPermitLimit"] = "20",
        ["RateLimit__LoginPerAddressReplenishmentPeriod"] = "00:01:00",
        ["Gateway__MaxRequestBodyBytes"] = "65536",
    }, new Dictionary<string, string> { ["Silo__EnableDashboard"] = "true", ["Retention__Period"] = "00:00:01" });

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}
