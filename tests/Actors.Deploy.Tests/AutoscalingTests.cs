using Actors.Deploy.Tests.Infrastructure;

namespace Actors.Deploy.Tests;

/// <summary>
/// The KEDA overlay: request-rate (gateways) and activation (silos) scaling replace the base's CPU
/// autoscalers, one autoscaler per Deployment, each query on the job the services' scrape gives them.
/// </summary>
public sealed class AutoscalingTests
{
    private const string Overlay = "deploy/k8s/overlays/keda";

    [Fact]
    public void Each_deployment_has_one_autoscaler_and_keda_drives_silos_and_gateways()
    {
        var rendering = Rendering.Of(Overlay);
        var scaled = rendering.OfKind("ScaledObject").ToDictionary(s => s.Node.Text("spec", "scaleTargetRef", "name")!);
        Assert.Equal(["actors-gateway", "actors-silo"], scaled.Keys.Order(StringComparer.Ordinal));
        foreach (var (target, scaledObject) in scaled)
        {
            Assert.NotNull(rendering.Find("Deployment", target));
            Assert.DoesNotContain(rendering.OfKind("HorizontalPodAutoscaler"), h => h.Node.Text("spec", "scaleTargetRef", "name") == target);
            var triggers = scaledObject.Node.Items("spec", "triggers");
            Assert.Contains(triggers, t => t.Text("type") == "cpu");
            var prometheus = Assert.Single(triggers, t => t.Text("type") == "prometheus");
            Assert.Contains($"job=\"{target}\"", prometheus.Text("metadata", "query"), StringComparison.Ordinal);
            Assert.True(double.Parse(prometheus.Text("metadata", "threshold")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.True(scaledObject.Node.Int("spec", "minReplicaCount") >= 2, $"{target}: fewer than two replicas");
        }
    }

    [Fact]
    public void The_base_keeps_its_cpu_autoscalers()
    {
        var rendering = Rendering.Of("deploy/k8s");
        Assert.Empty(rendering.OfKind("ScaledObject"));
        Assert.Equal(["actors-gateway", "actors-silo"],
            rendering.OfKind("HorizontalPodAutoscaler").Select(h => h.Node.Text("spec", "scaleTargetRef", "name")!).Order(StringComparer.Ordinal));
    }
}
