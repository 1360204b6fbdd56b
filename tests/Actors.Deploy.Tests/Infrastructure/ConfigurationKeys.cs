using System.Text.Json;
using System.Text.RegularExpressions;

namespace Actors.Deploy.Tests.Infrastructure;

/// <summary>
/// The configuration keys the product reads, derived from its sources: every property of an options
/// class bound from a section (<c>const string Section = "..."</c>), every <c>GetConnectionString("...")</c>,
/// every literal key passed to <c>GetValue</c> or an indexer on a configuration, and the keys of the
/// hosts' appsettings.json files outside those sections (Urls, Logging). Inside a section that has an
/// options class only the class counts: an appsettings.json entry the class no longer has is read by
/// nobody. Keys compare case-insensitively, as .NET configuration does.
/// </summary>
internal static partial class ConfigurationKeys
{
    private static readonly string[] SourceFolders = ["silo", "client", "grains", "hosting"];

    public static IReadOnlySet<string> All { get; } = Extract();

    /// <summary>The configuration key an environment variable sets: <c>Silo__Name</c> is <c>Silo:Name</c>.</summary>
    public static string FromEnvironmentName(string name) => name.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>
    /// Names that set configuration (they contain "__") but that no code reads. An item of a list
    /// (<c>Proxy__TrustedNetworks__0</c>) sets the list's key.
    /// </summary>
    public static IEnumerable<string> Unknown(IEnumerable<string> environmentNames) =>
        environmentNames.Where(n => n.Contains("__", StringComparison.Ordinal)
            && !All.Contains(ListIndex().Replace(FromEnvironmentName(n), "")));

    [GeneratedRegex(@"(:[0-9]+)+$")]
    private static partial Regex ListIndex();

    private static HashSet<string> Extract()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sections = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Repository.Files("*.cs", SourceFolders))
        {
            var code = File.ReadAllText(file);
            foreach (Match section in SectionConstant().Matches(code))
            {
                sections.Add(section.Groups["section"].Value);
                foreach (var property in PropertiesOfEnclosingClass(code, section.Index))
                {
                    keys.Add($"{section.Groups["section"].Value}:{property}");
                }
            }

            foreach (Match name in ConnectionStringCall().Matches(code))
            {
                keys.Add($"ConnectionStrings:{name.Groups["name"].Value}");
            }

            foreach (Match literal in LiteralKey().Matches(code))
            {
                keys.Add(literal.Groups["key"].Value);
            }
        }

        foreach (var file in Repository.Files("appsettings*.json", SourceFolders))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var leaves = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            AddLeaves(json.RootElement, "", leaves);
            keys.UnionWith(leaves.Where(key => !sections.Contains(key.Split(':')[0])));
        }

        return keys;
    }

    private static void AddLeaves(JsonElement element, string prefix, HashSet<string> keys)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                AddLeaves(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}", keys);
            }
        }
        else
        {
            keys.Add(prefix);
        }
    }

    /// <summary>Settable public properties of the class declared before <paramref name="index"/>, nested classes excluded.</summary>
    private static IEnumerable<string> PropertiesOfEnclosingClass(string code, int index)
    {
        var declaration = ClassDeclaration().Matches(code[..index]).LastOrDefault();
        if (declaration is null)
        {
            yield break;
        }

        var open = code.IndexOf('{', declaration.Index);
        var depth = 0;
        var end = open;
        for (; end < code.Length; end++)
        {
            depth += code[end] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                break;
            }
        }

        var body = code[open..end];
        foreach (Match property in SettableProperty().Matches(body))
        {
            yield return property.Groups["name"].Value;
        }
    }

    [GeneratedRegex("""const\s+string\s+Section\s*=\s*"(?<section>[A-Za-z0-9_]+)"\s*;""")]
    private static partial Regex SectionConstant();

    [GeneratedRegex(@"\b(?:public|internal)\s+(?:\w+\s+)*class\s+\w+")]
    private static partial Regex ClassDeclaration();

    [GeneratedRegex(@"public\s+[\w<>\[\]?.,]+\s+(?<name>\w+)\s*\{\s*get;\s*(?:set|init);")]
    private static partial Regex SettableProperty();

    [GeneratedRegex("""GetConnectionString\(\s*"(?<name>[^"]+)"\s*\)""")]
    private static partial Regex ConnectionStringCall();

    [GeneratedRegex("""(?:GetValue(?:<[^>]+>)?\(\s*|Configuration\[\s*)"(?<key>[A-Za-z0-9_:.]+)"\s*[,)\]]""")]
    private static partial Regex LiteralKey();
}
