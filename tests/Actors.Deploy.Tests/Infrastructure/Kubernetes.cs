using System.Collections.Concurrent;
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Actors.Deploy.Tests.Infrastructure;

internal sealed class KubeObject(YamlMappingNode node)
{
    public YamlMappingNode Node { get; } = node;

    public string Kind => Node.Text("kind") ?? "";

    public string ApiVersion => Node.Text("apiVersion") ?? "";

    public string Name => Node.Text("metadata", "name") ?? "";

    public string? Namespace => Node.Text("metadata", "namespace");

    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>What <c>kubectl kustomize</c> renders for one kustomization directory, rendered once per test run.</summary>
internal sealed class Rendering
{
    private static readonly ConcurrentDictionary<string, Lazy<Rendering>> Cache = new(StringComparer.Ordinal);
    private static readonly string[] WorkloadKinds = ["Deployment", "StatefulSet", "DaemonSet", "Job"];

    private Rendering(string directory)
    {
        Directory = directory;
        Objects = [.. Yaml.Documents(Kubectl.Kustomize(Repository.PathOf(directory))).Select(n => new KubeObject(n))];
        Workloads = [.. Objects.Where(o => WorkloadKinds.Contains(o.Kind)).Select(o => new Workload(o, this))];
    }

    /// <summary>deploy/k8s and every overlay under deploy/k8s/overlays.</summary>
    public static TheoryData<string> Kustomizations
    {
        get
        {
            var data = new TheoryData<string> { "deploy/k8s" };
            var overlays = Repository.PathOf("deploy/k8s/overlays");
            if (System.IO.Directory.Exists(overlays))
            {
                foreach (var overlay in System.IO.Directory.GetDirectories(overlays).Order(StringComparer.Ordinal))
                {
                    if (File.Exists(Path.Combine(overlay, "kustomization.yaml")))
                    {
                        data.Add(Repository.Relative(overlay));
                    }
                }
            }

            return data;
        }
    }

    public string Directory { get; }

    public IReadOnlyList<KubeObject> Objects { get; }

    public IReadOnlyList<Workload> Workloads { get; }

    /// <summary>The silo Deployment: the one Deployment running the silo image.</summary>
    public Workload Silo => SingleWorkload("Deployment", Images.Silo);

    public Workload Gateway => SingleWorkload("Deployment", Images.Gateway);

    public Workload MigrationJob => SingleWorkload("Job", Images.Silo);

    public static Rendering Of(string directory) =>
        Cache.GetOrAdd(directory, d => new Lazy<Rendering>(() => new Rendering(d))).Value;

    public IEnumerable<KubeObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    public KubeObject? Find(string kind, string name) => Objects.FirstOrDefault(o => o.Kind == kind && o.Name == name);

    public Dictionary<string, string>? ConfigMapData(string name) => Find("ConfigMap", name)?.Node.StringMap("data");

    private Workload SingleWorkload(string kind, string imageRepository)
    {
        var matches = Workloads.Where(w => w.Object.Kind == kind && w.Containers.Any(c => c.ImageRepository == imageRepository)).ToList();
        Assert.True(matches.Count == 1, $"{Directory}: expected one {kind} running {imageRepository}, found {matches.Count}.");
        return matches[0];
    }
}

internal sealed class Workload(KubeObject obj, Rendering rendering)
{
    public KubeObject Object { get; } = obj;

    public Rendering Rendering { get; } = rendering;

    public YamlNode? PodSpec => Object.Node.At("spec", "template", "spec");

    public Dictionary<string, string> Labels => Object.Node.StringMap("spec", "template", "metadata", "labels");

    public Dictionary<string, string> Annotations => Object.Node.StringMap("spec", "template", "metadata", "annotations");

    public IReadOnlyList<Container> Containers =>
        [.. PodSpec.Items("initContainers").Concat(PodSpec.Items("containers")).OfType<YamlMappingNode>().Select(n => new Container(n, this))];

    /// <summary>The first regular container (each of the project's pods has one).</summary>
    public Container Main => new((YamlMappingNode)PodSpec.Items("containers")[0], this);

    public override string ToString() => Object.ToString();
}

internal sealed class Container(YamlMappingNode node, Workload owner)
{
    public YamlMappingNode Node { get; } = node;

    public Workload Owner { get; } = owner;

    public string Name => Node.Text("name") ?? "";

    public string Image => Node.Text("image") ?? "";

    public string ImageRepository => Images.Repository(Image);

    /// <summary>Runs one of the project's images (silo or gateway), so reads the project's configuration.</summary>
    public bool IsProject => Images.Project(ImageRepository) is not null;

    public IReadOnlyList<YamlNode> Env => Node.Items("env");

    public IEnumerable<string> ConfigMapsFrom =>
        Node.Items("envFrom").Select(e => e.Text("configMapRef", "name")).OfType<string>();

    /// <summary>Every variable name the container gets: from envFrom ConfigMaps, then env.</summary>
    public IEnumerable<string> EnvironmentNames =>
        ConfigMapsFrom.SelectMany(name => Owner.Rendering.ConfigMapData(name)?.Keys ?? Enumerable.Empty<string>())
            .Concat(Env.Select(e => e.Text("name")).OfType<string>());

    public Dictionary<string, int> Ports =>
        Node.Items("ports").ToDictionary(p => p.Text("name") ?? p.Text("containerPort")!, p => p.Int("containerPort")!.Value, StringComparer.Ordinal);

    public override string ToString() => $"{Owner}/{Name}";

    /// <summary>The literal value the manifests give a variable (env wins over envFrom), or null.</summary>
    public string? Variable(string name)
    {
        var entry = Env.LastOrDefault(e => e.Text("name") == name);
        if (entry is not null)
        {
            return entry.Text("value");
        }

        return ConfigMapsFrom.Select(m => Owner.Rendering.ConfigMapData(m)).OfType<Dictionary<string, string>>()
            .Select(data => data.GetValueOrDefault(name)).LastOrDefault(v => v is not null);
    }

    /// <summary>A configuration value as the process sees it: the manifests' variable, else appsettings.json.</summary>
    public string? Setting(string key) =>
        Variable(key.Replace(":", "__", StringComparison.Ordinal)) ?? AppSettings.Read(Images.Project(ImageRepository)!, key);

    /// <summary>The port a probe or annotation names, by name or number.</summary>
    public int? ResolvePort(string? nameOrNumber) =>
        nameOrNumber is null ? null
        : int.TryParse(nameOrNumber, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number
        : Ports.TryGetValue(nameOrNumber, out var port) ? port : null;
}
