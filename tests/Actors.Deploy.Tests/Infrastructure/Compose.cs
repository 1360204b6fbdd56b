using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Actors.Deploy.Tests.Infrastructure;

internal sealed record Mount(string Source, string Target, bool IsBind);

internal sealed record Dependency(string Service, string Condition);

/// <summary>deploy/docker/compose.yaml, read as YAML (no Docker needed).</summary>
internal sealed partial class Compose
{
    public const string File = "deploy/docker/compose.yaml";
    public const string Folder = "deploy/docker";

    private Compose(YamlMappingNode root) => Root = root;

    public static Compose Stack { get; } = new(Yaml.Document(Repository.Read(File)));

    public YamlMappingNode Root { get; }

    public IReadOnlyDictionary<string, YamlNode> Services =>
        Root.Entries("services").ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    /// <summary>Services running one of the project's images (built from deploy/docker/*.Dockerfile).</summary>
    public IEnumerable<string> ProjectServices => Services.Keys.Where(s => Images.Dockerfile(Images.Repository(Image(s))) is not null);

    public string Image(string service) => Services[service].Text("image") ?? "";

    public Dictionary<string, string> Environment(string service)
    {
        var node = Services[service].At("environment");
        if (node is YamlSequenceNode list)
        {
            return list.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "")
                .ToDictionary(v => v.Split('=', 2)[0], v => v.Contains('=', StringComparison.Ordinal) ? v.Split('=', 2)[1] : "", StringComparer.Ordinal);
        }

        return node.StringMap();
    }

    public IReadOnlyList<Mount> Mounts(string service) =>
        [.. Services[service].Items("volumes").Select(v => v is YamlScalarNode scalar ? ShortMount(scalar.Value ?? "") : LongMount(v))];

    public IReadOnlyList<Dependency> DependsOn(string service) => Services[service].At("depends_on") switch
    {
        YamlSequenceNode list => [.. list.Children.OfType<YamlScalarNode>().Select(s => new Dependency(s.Value ?? "", "service_started"))],
        YamlMappingNode map => [.. map.Children.Select(c => new Dependency(((YamlScalarNode)c.Key).Value ?? "", c.Value.Text("condition") ?? "service_started"))],
        _ => [],
    };

    /// <summary>The repository-relative path of a host path written relative to the compose file.</summary>
    public static string ResolveHostPath(string source) =>
        Repository.Relative(Path.GetFullPath(Path.Combine(Repository.PathOf(Folder), source)));

    /// <summary>The HTTP port a project service listens on (its Urls setting).</summary>
    public int? HttpPort(string service) =>
        Urls.Ports(Environment(service).GetValueOrDefault("Urls")).Cast<int?>().FirstOrDefault();

    /// <summary>The health check command as one string (exec form joined), or null when there is none or it is disabled.</summary>
    public string? HealthCheck(string service)
    {
        var check = Services[service].At("healthcheck");
        return check is null || check.Text("disable") == "true" ? null : string.Join(' ', check.Strings("test"));
    }

    /// <summary>Variables interpolated with <c>${NAME:?message}</c>: the run fails without them.</summary>
    public static IReadOnlyList<string> RequiredVariables() =>
        [.. RequiredInterpolation().Matches(Repository.Read(File)).Select(m => m.Groups["name"].Value).Distinct()];

    private static Mount ShortMount(string value)
    {
        var parts = value.Split(':');
        var source = parts[0];
        return parts.Length == 1
            ? new Mount("", source, false)
            : new Mount(source, parts[1], source.StartsWith('.') || source.StartsWith('/') || source.StartsWith('~'));
    }

    private static Mount LongMount(YamlNode node) =>
        new(node.Text("source") ?? "", node.Text("target") ?? "", node.Text("type") == "bind");

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*):\?")]
    private static partial Regex RequiredInterpolation();
}
