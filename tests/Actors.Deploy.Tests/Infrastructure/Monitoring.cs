using System.Text.Json;
using System.Text.RegularExpressions;

namespace Actors.Deploy.Tests.Infrastructure;

/// <summary>The Grafana dashboard and the Prometheus scrape configuration, as the deployments use them.</summary>
internal static partial class Monitoring
{
    public const string Dashboard = "deploy/grafana/actors-dashboard.json";
    public const string KubernetesScrapeConfig = "deploy/prometheus/prometheus.yml";

    /// <summary>The Prometheus job names the dashboard's queries select (<c>job="..."</c>).</summary>
    public static IReadOnlySet<string> DashboardJobs()
    {
        using var json = JsonDocument.Parse(Repository.Read(Dashboard));
        var jobs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expression in Expressions(json.RootElement))
        {
            foreach (Match job in JobSelector().Matches(expression))
            {
                jobs.Add(job.Groups["job"].Value);
            }
        }

        return jobs;
    }

    private static IEnumerable<string> Expressions(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "expr" && property.Value.ValueKind == JsonValueKind.String)
                {
                    yield return property.Value.GetString()!;
                }

                foreach (var nested in Expressions(property.Value))
                {
                    yield return nested;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var nested in element.EnumerateArray().SelectMany(Expressions))
            {
                yield return nested;
            }
        }
    }

    [GeneratedRegex(@"job\s*=\s*""(?<job>[^""]+)""")]
    private static partial Regex JobSelector();
}

/// <summary>deploy/README.md, the operators' guide: what it tells operators to create by hand.</summary>
internal static partial class DeployGuide
{
    public const string File = "deploy/README.md";

    /// <summary>
    /// Secrets the guide creates with <c>kubectl create secret generic NAME --from-literal=KEY=...</c> (or
    /// <c>--from-file=KEY=...</c>), with the
    /// keys that every such command for that name creates (an operator may follow any one of them).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> OperatorSecrets()
    {
        var text = Repository.Read(File).Replace("\\\n", " ", StringComparison.Ordinal);
        var secrets = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var create = CreateSecret().Match(line);
            if (create.Success)
            {
                var name = create.Groups["name"].Value;
                var keys = LiteralKey().Matches(line).Select(m => m.Groups["key"].Value).ToHashSet(StringComparer.Ordinal);
                secrets[name] = secrets.TryGetValue(name, out var earlier) ? keys.Intersect(earlier).ToHashSet(StringComparer.Ordinal) : keys;
            }
        }

        return secrets;
    }

    [GeneratedRegex(@"create\s+secret\s+generic\s+(?<name>[a-z0-9.-]+)")]
    private static partial Regex CreateSecret();

    [GeneratedRegex(@"--from-(?:literal|file)=(?<key>[A-Za-z0-9_.-]+)=")]
    private static partial Regex LiteralKey();
}
