using Actors.Deploy.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Actors.Deploy.Tests;

/// <summary>
/// The rendered NetworkPolicies, read the way a CNI applies them (policies selecting a pod add up,
/// and a pod any policy selects takes only what they allow): who reaches each port of each workload.
/// </summary>
public sealed class NetworkPolicyTests
{
    public static TheoryData<string> Kustomizations => Rendering.Kustomizations;

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Each_port_admits_only_the_callers_that_need_it(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        var expected = new Dictionary<string, string[]>
        {
            ["actors-silo:11111"] = ["actors-silo"],
            ["actors-silo:30000"] = ["actors-gateway"],
            ["actors-silo:8081"] = ["namespace monitoring"],
            ["actors-gateway:8080"] = ["namespace ingress-nginx"],
            ["actors-gateway:8083"] = ["namespace ingress-nginx"],
            ["actors-gateway:8079"] = ["namespace monitoring"],
            ["redis:6379"] = ["actors-gateway", "actors-silo"],
            ["postgres:5432"] = ["actors-migrate", "actors-silo"],
        };

        foreach (var (target, callers) in expected)
        {
            var (name, port) = (target.Split(':')[0], int.Parse(target.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(callers, Admitted(rendering, name, port));
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Every_pod_is_denied_what_no_policy_allows(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        Assert.Contains(rendering.OfKind("NetworkPolicy"), p =>
            p.Node.At("spec", "podSelector") is YamlMappingNode { Children.Count: 0 }
            && p.Node.Strings("spec", "policyTypes").Contains("Ingress")
            && p.Node.Items("spec", "ingress").Count == 0);
        // And nothing else: the ports of every workload that the table above does not name are closed.
        foreach (var workload in rendering.Workloads)
        {
            foreach (var container in workload.Containers)
            {
                foreach (var port in container.Ports.Values)
                {
                    var name = workload.Labels.GetValueOrDefault("app.kubernetes.io/name") ?? "";
                    if (!Open.Contains($"{name}:{port}"))
                    {
                        Assert.Empty(Admitted(rendering, name, port));
                    }
                }
            }
        }
    }

    private static readonly HashSet<string> Open =
        ["actors-silo:11111", "actors-silo:30000", "actors-silo:8081", "actors-gateway:8080", "actors-gateway:8083", "actors-gateway:8079", "redis:6379", "postgres:5432"];

    // Callers admitted to the pods named <paramref name="target"/> on <paramref name="port"/>: workload
    // names for pod selectors, "namespace X" for namespace selectors, "anyone" for an open rule.
    private static List<string> Admitted(Rendering rendering, string target, int port)
    {
        var admitted = new SortedSet<string>(StringComparer.Ordinal);
        var targetLabels = rendering.Workloads.First(w => w.Labels.GetValueOrDefault("app.kubernetes.io/name") == target).Labels;
        foreach (var policy in rendering.OfKind("NetworkPolicy"))
        {
            if (!Selects(policy.Node.StringMap("spec", "podSelector", "matchLabels"), targetLabels))
            {
                continue;
            }

            foreach (var rule in policy.Node.Items("spec", "ingress"))
            {
                var ports = rule.Items("ports");
                if (ports.Count > 0 && !ports.Any(p => p.Int("port") == port))
                {
                    continue;
                }

                var from = rule.Items("from");
                if (from.Count == 0)
                {
                    admitted.Add("anyone");
                }

                foreach (var peer in from)
                {
                    if (peer.At("namespaceSelector") is not null)
                    {
                        admitted.Add($"namespace {peer.Text("namespaceSelector", "matchLabels", "kubernetes.io/metadata.name") ?? "any"}");
                    }
                    else if (peer.At("podSelector") is not null)
                    {
                        var selector = peer.StringMap("podSelector", "matchLabels");
                        foreach (var source in rendering.Workloads.Where(w => Selects(selector, w.Labels)))
                        {
                            admitted.Add(source.Labels.GetValueOrDefault("app.kubernetes.io/name") ?? source.ToString());
                        }
                    }
                    else
                    {
                        admitted.Add("anyone");
                    }
                }
            }
        }

        return [.. admitted];
    }

    private static bool Selects(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);
}
