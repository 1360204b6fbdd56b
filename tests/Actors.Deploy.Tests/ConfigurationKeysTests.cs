using Actors.Deploy.Tests.Infrastructure;

namespace Actors.Deploy.Tests;

/// <summary>The list of configuration keys the other tests check against is really read from the code.</summary>
public sealed class ConfigurationKeysTests
{
    [Theory]
    [InlineData("Silo:ShutdownTimeout")]        // an options class property, also in appsettings.json
    [InlineData("Auth:SigningKey")]             // an options class property only (a secret: never in appsettings.json)
    [InlineData("RateLimit:PermitLimit")]       // an options class declared beside other types
    [InlineData("ConnectionStrings:Postgres")]  // GetConnectionString("Postgres")
    [InlineData("Telemetry:TraceSampleRatio")]  // GetValue("...") with a literal key
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT")] // Configuration["..."]
    [InlineData("Urls")]                        // appsettings.json only
    public void Keys_come_from_options_classes_configuration_calls_and_appsettings(string key) =>
        Assert.Contains(key, ConfigurationKeys.All);

    [Fact]
    public void Keys_compare_ignoring_case_and_an_unread_key_is_unknown()
    {
        Assert.Empty(ConfigurationKeys.Unknown(["silo__shutdowntimeout", "Cluster__ClusterId", "POD_NAME"]));
        Assert.Equal(["Silo__ShutdownTimout", "Gateway__Nonexistent"], ConfigurationKeys.Unknown(["Silo__ShutdownTimout", "Gateway__Nonexistent"]));
    }

    [Fact]
    public void An_item_of_a_list_setting_is_known_by_its_list_and_nothing_else_is()
    {
        Assert.Empty(ConfigurationKeys.Unknown(["Proxy__TrustedNetworks__0", "Proxy__TrustedNetworks__12"]));
        Assert.Equal(["Proxy__TrustedNetwork__0", "Silo__ShutdownTimeout__0x"], ConfigurationKeys.Unknown(["Proxy__TrustedNetwork__0", "Silo__ShutdownTimeout__0x"]));
    }

    [Fact]
    public void Dockerignore_matches_like_docker()
    {
        var ignore = new DockerIgnore("**/bin\n**/obj\ntests\n*.md\n!keep.md\n");
        Assert.True(ignore.Excludes("silo/Actors.Silo/bin/Release/x.dll"));
        Assert.True(ignore.Excludes("bin"));
        Assert.True(ignore.Excludes("tests/Actors.Deploy.Tests"));
        Assert.True(ignore.Excludes("README.md"));
        Assert.False(ignore.Excludes("keep.md"));
        Assert.False(ignore.Excludes("silo/Actors.Silo/Program.cs"));
        Assert.False(ignore.Excludes("silo/README.md"));
    }
}
