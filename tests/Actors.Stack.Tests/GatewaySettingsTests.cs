using System.Security.Cryptography;
using Actors.Stack.Tests.Infrastructure;
using Actors.Testing;

namespace Actors.Stack.Tests;

/// <summary>The gateway's own settings are checked when it starts, like the silo's.</summary>
public sealed class GatewaySettingsTests
{
    [Theory]
    [InlineData("Gateway__GrainCallTimeout", "00:00:00", "Gateway:GrainCallTimeout must be above zero.")]
    [InlineData("Gateway__RetryAfterSeconds", "0", "Gateway:RetryAfterSeconds must be at least 1.")]
    [InlineData("RateLimit__TokensPerPeriod", "0", "RateLimit:TokensPerPeriod must be at least 1.")]
    [InlineData("RateLimit__LoginReplenishmentPeriod", "-00:00:01", "RateLimit:LoginReplenishmentPeriod must be above zero.")]
    [InlineData("Analytics__Partitions", "0", "Analytics:Partitions must be at least 1.")]
    public async Task A_setting_out_of_range_stops_the_gateway_at_start_with_its_name(string variable, string value, string message)
    {
        // Nothing but the setting is wrong; the cluster is never reached, since the check comes first.
        await using var gateway = ServiceProcess.Start("gateway-settings", TestEnvironment.GatewayDll, new Dictionary<string, string>
        {
            ["Urls"] = $"http://127.0.0.1:{TestEnvironment.FreePort()}",
            ["ConnectionStrings__Redis"] = $"127.0.0.1:{TestEnvironment.FreePort()},abortConnect=false",
            ["Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            [variable] = value,
        });

        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.True(gateway.Printed(message), gateway.Output());
    }
}
