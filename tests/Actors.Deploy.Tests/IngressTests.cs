using System.Text.RegularExpressions;
using Actors.Deploy.Tests.Infrastructure;

namespace Actors.Deploy.Tests;

/// <summary>
/// The ingress-nginx overlay is the Compose edge on Kubernetes: TLS to the gateway Service's HTTP
/// port, and the same cache policy, cache zone and upstream keep-alive as deploy/edge.
/// </summary>
public sealed partial class IngressTests
{
    private const string Overlay = "deploy/k8s/overlays/ingress-nginx";
    private const string Edge = "deploy/edge/actors.conf.template";

    [Fact]
    public void The_ingress_sends_every_path_to_the_gateway_service_over_tls()
    {
        var rendering = Rendering.Of(Overlay);
        var ingress = Assert.Single(rendering.OfKind("Ingress")).Node;
        Assert.Equal("nginx", ingress.Text("spec", "ingressClassName"));
        var rule = Assert.Single(ingress.Items("spec", "rules"));
        var tls = Assert.Single(ingress.Items("spec", "tls"));
        Assert.Contains(rule.Text("host")!, tls.Strings("hosts"));
        Assert.False(string.IsNullOrEmpty(tls.Text("secretName")));

        var path = Assert.Single(rule.Items("http", "paths"));
        Assert.Equal(("/", "Prefix"), (path.Text("path"), path.Text("pathType")));
        var service = rendering.Find("Service", path.Text("backend", "service", "name")!);
        Assert.NotNull(service);
        Assert.Contains(service.Node.Items("spec", "ports"), p => p.Text("name") == path.Text("backend", "service", "port", "name"));
        Assert.Equal("actors-gateway", service.Name);
    }

    [Fact]
    public void The_ingress_caches_keeps_alive_and_serves_stale_as_the_compose_edge_does()
    {
        var edge = Repository.Read(Edge);
        var ingress = Assert.Single(Rendering.Of(Overlay).OfKind("Ingress")).Node;
        var snippet = ingress.Text("metadata", "annotations", "nginx.ingress.kubernetes.io/configuration-snippet")!;
        Assert.Equal(CacheDirectives(edge), CacheDirectives(snippet));

        var values = Yaml.Document(Repository.Read($"{Overlay}/controller-values.yaml"));
        var zone = CachePath().Match(values.Text("controller", "config", "http-snippet")!);
        var edgeZone = CachePath().Match(edge);
        Assert.True(zone.Success && edgeZone.Success);
        Assert.Equal(edgeZone.Groups["options"].Value, zone.Groups["options"].Value);
        Assert.Contains($"proxy_cache {Regex.Match(zone.Groups["options"].Value, @"keys_zone=(\w+):").Groups[1].Value};", snippet, StringComparison.Ordinal);

        Assert.Equal(Regex.Match(edge, @"keepalive (\d+);").Groups[1].Value, values.Text("controller", "config", "upstream-keepalive-connections"));
        Assert.Equal(Regex.Match(edge, @"keepalive_timeout (\d+)s;").Groups[1].Value, values.Text("controller", "config", "upstream-keepalive-timeout"));
        Assert.Equal("true", values.Text("controller", "config", "allow-snippet-annotations"));
    }

    // The proxy_cache* / proxy_no_cache lines and the cache-status header, as a set.
    private static string[] CacheDirectives(string config) =>
        [.. config.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("proxy_cache", StringComparison.Ordinal) && !l.StartsWith("proxy_cache_path", StringComparison.Ordinal)
                || l.StartsWith("proxy_no_cache", StringComparison.Ordinal) || l.StartsWith("add_header X-Cache-Status", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"proxy_cache_path \S+ (?<options>[^;]+);")]
    private static partial Regex CachePath();
}
