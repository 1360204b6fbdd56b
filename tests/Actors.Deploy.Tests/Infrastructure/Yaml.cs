using YamlDotNet.RepresentationModel;

namespace Actors.Deploy.Tests.Infrastructure;

/// <summary>Navigation over YamlDotNet's representation model: a missing step yields null or empty.</summary>
internal static class Yaml
{
    public static IReadOnlyList<YamlMappingNode> Documents(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    public static YamlMappingNode Document(string text) =>
        Assert.Single(Documents(text));

    public static YamlNode? At(this YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out node))
            {
                return null;
            }
        }

        return node;
    }

    public static string? Text(this YamlNode? node, params string[] path) => node.At(path) is YamlScalarNode scalar ? scalar.Value : null;

    public static int? Int(this YamlNode? node, params string[] path) =>
        int.TryParse(node.Text(path), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    public static IReadOnlyList<YamlNode> Items(this YamlNode? node, params string[] path) =>
        node.At(path) is YamlSequenceNode sequence ? [.. sequence.Children] : [];

    public static IReadOnlyList<KeyValuePair<string, YamlNode>> Entries(this YamlNode? node, params string[] path) =>
        node.At(path) is YamlMappingNode mapping
            ? [.. mapping.Children.Select(c => new KeyValuePair<string, YamlNode>(((YamlScalarNode)c.Key).Value ?? "", c.Value))]
            : [];

    /// <summary>A mapping of strings (labels, selectors, annotations, data).</summary>
    public static Dictionary<string, string> StringMap(this YamlNode? node, params string[] path) =>
        node.Entries(path).ToDictionary(e => e.Key, e => (e.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal);

    /// <summary>A scalar or a sequence of scalars as a list of strings (Compose accepts both in many places).</summary>
    public static IReadOnlyList<string> Strings(this YamlNode? node, params string[] path) => node.At(path) switch
    {
        YamlScalarNode scalar => [scalar.Value ?? ""],
        YamlSequenceNode sequence => [.. sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "")],
        _ => [],
    };
}
