using System.Text.Json;
using System.Text.RegularExpressions;

namespace Actors.Deploy.Tests.Infrastructure;

internal sealed record Instruction(string Keyword, string Arguments, int Line)
{
    /// <summary>Flags such as <c>--from=build</c> at the start of the arguments.</summary>
    public IReadOnlyList<string> Flags => [.. Words.TakeWhile(w => w.StartsWith("--", StringComparison.Ordinal))];

    /// <summary>Arguments split on white space, flags left out.</summary>
    public IReadOnlyList<string> Operands => [.. Words.SkipWhile(w => w.StartsWith("--", StringComparison.Ordinal))];

    private string[] Words => Arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The JSON (exec) form, e.g. <c>["dotnet", "App.dll"]</c>.</summary>
    public string[] ExecForm() => JsonSerializer.Deserialize<string[]>(Arguments)
        ?? throw new InvalidOperationException($"line {Line}: {Keyword} is not in exec form.");
}

/// <summary>A Dockerfile read line by line: comments dropped, continuation lines joined, split into stages.</summary>
internal sealed partial class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<Instruction> instructions)
    {
        Path = path;
        Instructions = instructions;
    }

    public string Path { get; }

    public IReadOnlyList<Instruction> Instructions { get; }

    /// <summary>deploy/docker/*.Dockerfile.</summary>
    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var file in Directory.GetFiles(Repository.PathOf("deploy/docker"), "*.Dockerfile").Order(StringComparer.Ordinal))
            {
                data.Add(Repository.Relative(file));
            }

            return data;
        }
    }

    public IReadOnlyList<IReadOnlyList<Instruction>> Stages
    {
        get
        {
            var stages = new List<List<Instruction>>();
            foreach (var instruction in Instructions)
            {
                if (instruction.Keyword == "FROM")
                {
                    stages.Add([instruction]);
                }
                else if (stages.Count > 0)
                {
                    stages[^1].Add(instruction);
                }
            }

            return stages;
        }
    }

    public IReadOnlyList<Instruction> FinalStage => Stages[^1];

    /// <summary>The .csproj that <c>dotnet publish</c> builds, repository-relative.</summary>
    public string PublishedProject
    {
        get
        {
            var publish = Instructions.Where(i => i.Keyword == "RUN").Select(i => PublishCommand().Match(i.Arguments)).SingleOrDefault(m => m.Success);
            Assert.True(publish is not null, $"{Path}: no RUN dotnet publish <project>.csproj.");
            return publish.Groups["project"].Value;
        }
    }

    /// <summary>Variables set by ENV in the final stage (what the running container gets).</summary>
    public Dictionary<string, string> FinalEnvironment
    {
        get
        {
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var env in FinalStage.Where(i => i.Keyword == "ENV"))
            {
                var words = env.Arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (!words[0].Contains('=', StringComparison.Ordinal))
                {
                    variables[words[0]] = string.Join(' ', words.Skip(1));
                    continue;
                }

                foreach (var word in words)
                {
                    var equals = word.IndexOf('=', StringComparison.Ordinal);
                    variables[word[..equals]] = word[(equals + 1)..];
                }
            }

            return variables;
        }
    }

    public static Dockerfile Load(string path)
    {
        var instructions = new List<Instruction>();
        var lines = Repository.Read(path).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var start = i + 1;
            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                var next = lines[++i].TrimEnd('\r').Trim();
                line = line[..^1].TrimEnd() + (next.StartsWith('#') ? "" : " " + next);
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0
                ? new Instruction(line.ToUpperInvariant(), "", start)
                : new Instruction(line[..space].ToUpperInvariant(), line[(space + 1)..].Trim(), start));
        }

        return new Dockerfile(path, instructions);
    }

    [GeneratedRegex(@"dotnet\s+publish\s+(?<project>\S+\.csproj)")]
    private static partial Regex PublishCommand();
}

/// <summary>
/// The repository's .dockerignore, matched as Docker does: a path is excluded when the last pattern
/// matching it, or one of its parent folders, is not a "!" exception.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<(bool Exception, Regex Pattern)> _patterns = [];

    public DockerIgnore(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exception = line.StartsWith('!');
            var pattern = (exception ? line[1..] : line).Trim().TrimStart('/').TrimEnd('/');
            if (pattern.StartsWith("./", StringComparison.Ordinal))
            {
                pattern = pattern[2..];
            }

            _patterns.Add((exception, new Regex("^" + ToRegex(pattern) + "$", RegexOptions.CultureInvariant)));
        }
    }

    public bool Excludes(string relativePath)
    {
        var path = relativePath.Trim().TrimStart('/').TrimEnd('/');
        if (path is "." or "")
        {
            return false;
        }

        var parts = path.Split('/');
        var candidates = Enumerable.Range(1, parts.Length).Select(n => string.Join('/', parts.Take(n))).ToList();
        var excluded = false;
        foreach (var (exception, pattern) in _patterns)
        {
            if (candidates.Any(pattern.IsMatch))
            {
                excluded = !exception;
            }
        }

        return excluded;
    }

    private static string ToRegex(string pattern)
    {
        var regex = new System.Text.StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches any number of folders, none included.
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                regex.Append(pattern[i] switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(pattern[i].ToString()),
                });
            }
        }

        return regex.ToString();
    }
}
