using System.Text.Json;
using System.Text.RegularExpressions;

namespace Actors.Deploy.Tests.Infrastructure;

/// <summary>
/// The project's images: image <c>actors-NAME</c> is built by deploy/docker/NAME.Dockerfile, and the
/// project it runs is the one that Dockerfile publishes.
/// </summary>
internal static partial class Images
{
    public const string Silo = "actors-silo";
    public const string Gateway = "actors-gateway";

    /// <summary>Repository name without registry, tag or digest: registry:5000/team/actors-silo:1.2 is actors-silo.</summary>
    public static string Repository(string image)
    {
        var withoutDigest = image.Split('@')[0];
        var name = withoutDigest[(withoutDigest.LastIndexOf('/') + 1)..];
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? name : name[..colon];
    }

    /// <summary>deploy/docker/NAME.Dockerfile for actors-NAME, or null for images the project does not build.</summary>
    public static string? Dockerfile(string repository) =>
        repository.StartsWith("actors-", StringComparison.Ordinal) && Infrastructure.Repository.Exists($"deploy/docker/{repository["actors-".Length..]}.Dockerfile")
            ? $"deploy/docker/{repository["actors-".Length..]}.Dockerfile"
            : null;

    /// <summary>The project folder (e.g. silo/Actors.Silo) whose build the image runs, or null.</summary>
    public static string? Project(string repository) =>
        Dockerfile(repository) is { } dockerfile ? Path.GetDirectoryName(Infrastructure.Dockerfile.Load(dockerfile).PublishedProject)!.Replace('\\', '/') : null;
}

/// <summary>Values of a project's appsettings.json, by configuration key (Section:Key), case-insensitive.</summary>
internal static class AppSettings
{
    public static string? Read(string project, string key)
    {
        using var json = JsonDocument.Parse(Infrastructure.Repository.Read($"{project}/appsettings.json"));
        var element = json.RootElement;
        foreach (var part in key.Split(':'))
        {
            JsonElement? next = null;
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    if (string.Equals(property.Name, part, StringComparison.OrdinalIgnoreCase))
                    {
                        next = property.Value;
                    }
                }
            }

            if (next is not { } found)
            {
                return null;
            }

            element = found;
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
    }
}

/// <summary>Ports in an ASP.NET Core <c>Urls</c> value such as <c>http://+:8081;http://localhost:9000</c>.</summary>
internal static partial class Urls
{
    public static IReadOnlyList<int> Ports(string? urls) =>
        urls is null ? [] : [.. UrlPort().Matches(urls).Select(m => int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"https?://[^;/]*:(?<port>\d+)")]
    private static partial Regex UrlPort();
}
