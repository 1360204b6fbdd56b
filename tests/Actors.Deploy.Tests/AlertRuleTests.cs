using System.ComponentModel;
using System.Diagnostics;
using Actors.Deploy.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Actors.Deploy.Tests;

/// <summary>
/// The alert rules as files operators load: promtool accepts them and their unit tests pass (the
/// alerts fire on synthetic series), and the prometheus-operator overlay carries the same rules and
/// scrapes the jobs they and the dashboard query.
/// </summary>
public sealed class AlertRuleTests
{
    private const string Rules = "deploy/prometheus/alerts.yml";
    private const string Overlay = "deploy/k8s/overlays/prometheus-operator";

    [Fact]
    public void Promtool_accepts_the_rules() => Promtool("check", "rules", Repository.PathOf(Rules));

    [Fact]
    public void The_rules_unit_tests_pass_the_outbox_and_latency_alerts_fire_on_synthetic_series()
    {
        var tests = Repository.Read("deploy/prometheus/alerts.test.yml");
        Assert.Contains("alertname: ActorsOutboxBacklogGrowing", tests, StringComparison.Ordinal);
        Assert.Contains("alertname: ActorsP99LatencyHigh", tests, StringComparison.Ordinal);
        Promtool("test", "rules", Repository.PathOf("deploy/prometheus/alerts.test.yml"));
    }

    [Fact]
    public void The_operator_overlay_carries_the_same_rules()
    {
        var rule = Assert.Single(Rendering.Of(Overlay).OfKind("PrometheusRule"));
        var file = Yaml.Document(Repository.Read(Rules));
        Assert.Equal(Canonical(file.At("groups")!), Canonical(rule.Node.At("spec", "groups")!));
    }

    [Fact]
    public void The_operator_overlay_scrapes_silos_and_gateways_into_the_jobs_the_rules_query()
    {
        var rendering = Rendering.Of(Overlay);
        var monitors = rendering.OfKind("PodMonitor").ToList();
        foreach (var (workload, job) in new[] { (rendering.Silo, "actors-silo"), (rendering.Gateway, "actors-gateway") })
        {
            var monitor = Assert.Single(monitors, m =>
                m.Node.StringMap("spec", "selector", "matchLabels").All(l => workload.Labels.GetValueOrDefault(l.Key) == l.Value));
            var endpoint = Assert.Single(monitor.Node.Items("spec", "podMetricsEndpoints"));
            Assert.Equal("/metrics", endpoint.Text("path"));
            var port = workload.Main.ResolvePort(endpoint.Text("port"));
            var metricsPort = workload.Main.Setting("Gateway__ManagementPort") ?? Urls.Ports(workload.Main.Setting("Urls"))[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(metricsPort, port?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains(endpoint.Items("relabelings"), r => r.Text("targetLabel") == "job" && r.Text("replacement") == job);
            Assert.Contains($"job=\"{job}\"", Repository.Read(Rules), StringComparison.Ordinal);
        }
    }

    private static string Canonical(YamlNode node) => node switch
    {
        YamlMappingNode map => "{" + string.Join(",", map.Children
            .Select(c => (Key: ((YamlScalarNode)c.Key).Value!, Value: Canonical(c.Value)))
            .OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}:{c.Value}")) + "}",
        YamlSequenceNode list => "[" + string.Join(",", list.Children.Select(Canonical)) + "]",
        YamlScalarNode scalar => System.Text.Json.JsonSerializer.Serialize(scalar.Value),
        _ => "?",
    };

    private static void Promtool(params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("promtool is not on PATH: install the Debian package prometheus (tests/run.sh does, as root).", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(60_000), "promtool did not finish in 60 s");
            Assert.True(process.ExitCode == 0, $"promtool {string.Join(' ', arguments)} failed:\n{output.Result}\n{errors.Result}");
        }
    }
}
