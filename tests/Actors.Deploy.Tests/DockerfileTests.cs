using System.Text.RegularExpressions;
using System.Xml.Linq;
using Actors.Deploy.Tests.Infrastructure;

namespace Actors.Deploy.Tests;

/// <summary>deploy/docker/*.Dockerfile: small, non-root runtime images that run the project they publish.</summary>
public sealed partial class DockerfileTests
{
    private static readonly string[] RootUsers = ["root", "0"];

    public static TheoryData<string> Dockerfiles => Dockerfile.All;

    [Fact]
    public void There_is_a_dockerfile_for_the_silo_and_the_gateway()
    {
        Assert.NotNull(Images.Dockerfile(Images.Silo));
        Assert.NotNull(Images.Dockerfile(Images.Gateway));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Builds_in_one_stage_and_runs_in_another(string path)
    {
        var dockerfile = Dockerfile.Load(path);
        Assert.True(dockerfile.Stages.Count >= 2, $"{path} has {dockerfile.Stages.Count} stage(s).");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", dockerfile.Stages[0][0].Operands[0], StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile.FinalStage[0].Operands[0], StringComparison.Ordinal);
        Assert.DoesNotContain(dockerfile.FinalStage, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Final_stage_runs_as_a_non_root_user(string path)
    {
        var user = Dockerfile.Load(path).FinalStage.LastOrDefault(i => i.Keyword == "USER");
        Assert.True(user is not null, $"{path}: the final stage sets no USER, so it runs as root.");
        Assert.DoesNotContain(user.Arguments.Split(':')[0], RootUsers);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Copied_sources_exist_and_are_not_excluded_by_dockerignore(string path)
    {
        var ignore = new DockerIgnore(Repository.Read(".dockerignore"));
        var copies = Dockerfile.Load(path).Instructions.Where(i => i.Keyword is "COPY" or "ADD" && !i.Flags.Any(f => f.StartsWith("--from", StringComparison.Ordinal)));
        foreach (var copy in copies)
        {
            foreach (var source in copy.Operands.SkipLast(1))
            {
                Assert.True(Repository.Exists(source), $"{path} line {copy.Line}: {source} does not exist.");
                Assert.False(ignore.Excludes(source), $"{path} line {copy.Line}: .dockerignore excludes {source}.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Restores_with_the_central_package_and_build_settings(string path)
    {
        var instructions = Dockerfile.Load(path).Instructions.ToList();
        var restore = instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.True(restore >= 0, $"{path} has no separate restore step.");
        var copiedBefore = instructions.Take(restore).Where(i => i.Keyword == "COPY").SelectMany(i => i.Operands.SkipLast(1)).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(copiedBefore, new HashSet<string>(StringComparer.Ordinal) { "Directory.Packages.props", "Directory.Build.props", "global.json" });
        var project = Dockerfile.Load(path).PublishedProject;
        Assert.Contains(project, instructions[restore].Arguments, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Entrypoint_runs_the_assembly_the_image_publishes(string path)
    {
        var dockerfile = Dockerfile.Load(path);
        var project = dockerfile.PublishedProject;
        var assembly = XDocument.Parse(Repository.Read(project)).Descendants("AssemblyName").Select(e => e.Value).LastOrDefault()
            ?? Path.GetFileNameWithoutExtension(project);
        var entrypoint = Assert.Single(dockerfile.FinalStage, i => i.Keyword == "ENTRYPOINT").ExecForm();
        Assert.Equal(["dotnet", $"{assembly}.dll"], entrypoint);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Health_check_asks_the_liveness_endpoint_on_the_port_the_image_listens_on(string path)
    {
        var dockerfile = Dockerfile.Load(path);
        var check = Assert.Single(dockerfile.FinalStage, i => i.Keyword == "HEALTHCHECK");
        var probe = HealthProbe().Match(check.Arguments);
        Assert.True(probe.Success, $"{path}: HEALTHCHECK does not GET a /health endpoint: {check.Arguments}");
        Assert.Equal("/health/live", probe.Groups["path"].Value);
        var ports = Urls.Ports(dockerfile.FinalEnvironment.GetValueOrDefault("Urls"));
        Assert.Contains(int.Parse(probe.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture), ports);
        var exposed = dockerfile.FinalStage.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Operands).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(probe.Groups["port"].Value, exposed);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Bakes_in_no_secret_and_only_configuration_the_code_reads(string path)
    {
        var dockerfile = Dockerfile.Load(path);
        var names = dockerfile.Instructions.Where(i => i.Keyword is "ENV" or "ARG")
            .SelectMany(i => i.Arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => w.Split('=')[0]))
            .ToList();
        Assert.DoesNotContain(names, n => SecretName().IsMatch(n));
        Assert.Empty(ConfigurationKeys.Unknown(dockerfile.FinalEnvironment.Keys));
    }

    [GeneratedRegex(@"/dev/tcp/127\.0\.0\.1/(?<port>\d+).*GET (?<path>/\S+)")]
    private static partial Regex HealthProbe();

    [GeneratedRegex(@"(?i)password|secret|signingkey|token|apikey|ConnectionStrings")]
    private static partial Regex SecretName();
}
