using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Actors.Deploy.Tests.Infrastructure;

namespace Actors.Deploy.Tests;

/// <summary>deploy/docker/compose.yaml agrees with itself, with the repository and with the code.</summary>
public sealed partial class ComposeTests
{
    private static readonly string[] HealthPaths = ["/health/ready", "/health/live"];

    private static Compose Stack => Compose.Stack;

    [Fact]
    public void Build_contexts_and_dockerfiles_exist_and_match_the_image_names()
    {
        foreach (var (service, node) in Stack.Services)
        {
            if (node.At("build") is not { } build)
            {
                continue;
            }

            var context = Compose.ResolveHostPath(build.Text("context") ?? build.Text() ?? ".");
            var dockerfile = Repository.Relative(Path.Combine(Repository.PathOf(context), build.Text("dockerfile") ?? "Dockerfile"));
            Assert.True(Repository.Exists(context), $"{service}: build context {context} does not exist.");
            Assert.True(File.Exists(Repository.PathOf(dockerfile)), $"{service}: {dockerfile} does not exist.");
            Assert.Equal(dockerfile, Images.Dockerfile(Images.Repository(Stack.Image(service))));
        }
    }

    [Fact]
    public void Bind_mount_sources_exist_in_the_repository()
    {
        var missing =
            from service in Stack.Services.Keys
            from mount in Stack.Mounts(service)
            where mount.IsBind && !Repository.Exists(Compose.ResolveHostPath(mount.Source))
            select $"{service}: {mount.Source}";
        Assert.Empty(missing);
    }

    [Fact]
    public void Named_volumes_are_declared()
    {
        var declared = Stack.Root.Entries("volumes").Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var undeclared =
            from service in Stack.Services.Keys
            from mount in Stack.Mounts(service)
            where !mount.IsBind && mount.Source.Length > 0 && !declared.Contains(mount.Source)
            select $"{service}: {mount.Source}";
        Assert.Empty(undeclared);
    }

    [Fact]
    public void Dependencies_name_services_that_can_meet_their_condition()
    {
        foreach (var service in Stack.Services.Keys)
        {
            foreach (var dependency in Stack.DependsOn(service))
            {
                Assert.True(Stack.Services.ContainsKey(dependency.Service), $"{service} depends on unknown service {dependency.Service}.");
                switch (dependency.Condition)
                {
                    case "service_healthy":
                        Assert.True(Stack.HealthCheck(dependency.Service) is not null, $"{service} waits for {dependency.Service} to be healthy, which has no health check.");
                        break;
                    case "service_completed_successfully":
                        Assert.True(Stack.Services[dependency.Service].Text("restart") is null or "no", $"{service} waits for {dependency.Service} to finish, which restarts.");
                        break;
                    default:
                        Assert.Equal("service_started", dependency.Condition);
                        break;
                }
            }
        }
    }

    [Fact]
    public void Health_checks_probe_the_port_each_service_listens_on()
    {
        foreach (var service in Stack.ProjectServices)
        {
            if (Stack.HealthCheck(service) is not { } check)
            {
                continue;
            }

            var probe = HealthProbe().Match(check);
            Assert.True(probe.Success, $"{service}: health check does not GET a /health endpoint over /dev/tcp: {check}");
            Assert.Equal(Stack.HttpPort(service), int.Parse(probe.Groups["port"].Value, CultureInfo.InvariantCulture));
            Assert.Contains(probe.Groups["path"].Value, HealthPaths);
        }
    }

    [Fact]
    public void Configuration_variables_name_keys_the_code_reads()
    {
        var unknown =
            from service in Stack.ProjectServices
            from name in ConfigurationKeys.Unknown(Stack.Environment(service).Keys)
            select $"{service}: {name}";
        Assert.Empty(unknown);
    }

    [Fact]
    public void Silos_advertise_the_fixed_address_they_have_on_the_network()
    {
        var silos = Stack.ProjectServices.Where(s => Stack.Environment(s).ContainsKey("Silo__AdvertisedIP")).ToList();
        Assert.True(silos.Count >= 2, "The stack runs fewer than two silos.");
        foreach (var silo in silos)
        {
            var environment = Stack.Environment(silo);
            var advertised = IPAddress.Parse(environment["Silo__AdvertisedIP"]);
            var attachment = Assert.Single(Stack.Services[silo].Entries("networks"), n => n.Value.Text("ipv4_address") is not null);
            Assert.Equal(advertised, IPAddress.Parse(attachment.Value.Text("ipv4_address")!));
            var subnets = Stack.Root.Items("networks", attachment.Key, "ipam", "config").Select(c => c.Text("subnet")).OfType<string>();
            Assert.Contains(subnets, s => IPNetwork.Parse(s).Contains(advertised));
            var listenOnAny = environment.GetValueOrDefault("Silo__ListenOnAnyAddress")
                ?? Dockerfile.Load(Images.Dockerfile(Images.Repository(Stack.Image(silo)))!).FinalEnvironment.GetValueOrDefault("Silo__ListenOnAnyAddress");
            Assert.Equal("true", listenOnAny, ignoreCase: true);
        }

        Assert.Equal(silos.Count, silos.Select(s => Stack.Environment(s).GetValueOrDefault("Silo__Name")).Distinct().Count(n => n is not null));
        Assert.Equal(silos.Count, silos.Select(s => Stack.Environment(s)["Silo__AdvertisedIP"]).Distinct().Count());
    }

    [Fact]
    public void Silos_get_longer_to_stop_than_their_shutdown_timeout()
    {
        foreach (var silo in Stack.ProjectServices.Where(s => Stack.Environment(s).ContainsKey("Silo__AdvertisedIP")))
        {
            var project = Images.Project(Images.Repository(Stack.Image(silo)))!;
            var shutdown = TimeSpan.Parse(
                Stack.Environment(silo).GetValueOrDefault("Silo__ShutdownTimeout") ?? AppSettings.Read(project, "Silo:ShutdownTimeout")!, CultureInfo.InvariantCulture);
            var grace = ComposeDuration(Stack.Services[silo].Text("stop_grace_period") ?? "10s");
            Assert.True(grace > shutdown, $"{silo}: stop_grace_period {grace} must exceed Silo:ShutdownTimeout {shutdown}.");
        }
    }

    [Fact]
    public void Redis_keeps_its_append_only_file_on_a_named_volume()
    {
        var redis = Assert.Single(Stack.Services.Keys, s => Images.Repository(Stack.Image(s)) == "redis");
        Assert.StartsWith("redis:7", Stack.Image(redis), StringComparison.Ordinal);
        var command = Stack.Services[redis].Strings("command").ToList();
        var appendOnly = command.IndexOf("--appendonly");
        Assert.True(appendOnly >= 0 && command.ElementAtOrDefault(appendOnly + 1) == "yes", "Redis must run with --appendonly yes.");
        var dir = command.IndexOf("--dir") is var d and >= 0 ? command[d + 1] : "/data";
        Assert.Contains(Stack.Mounts(redis), m => m.Target == dir && !m.IsBind && m.Source.Length > 0);
    }

    [Fact]
    public void Migration_runs_once_with_the_silo_image_before_any_silo_starts()
    {
        var migrate = Assert.Single(Stack.ProjectServices, s => Stack.Services[s].Strings("command").SequenceEqual(["migrate"]));
        Assert.Contains("ConnectionStrings__Postgres", Stack.Environment(migrate).Keys);
        var silos = Stack.ProjectServices.Where(s => Stack.Environment(s).ContainsKey("Silo__AdvertisedIP")).ToList();
        foreach (var silo in silos)
        {
            Assert.Equal(Stack.Image(migrate), Stack.Image(silo));
            Assert.Contains(new Dependency(migrate, "service_completed_successfully"), Stack.DependsOn(silo));
        }
    }

    [Fact]
    public void Prometheus_scrapes_every_service_on_its_http_port_into_the_dashboard_jobs()
    {
        var prometheus = Assert.Single(Stack.Services.Keys, s => Images.Repository(Stack.Image(s)) == "prometheus");
        var configPath = Stack.Services[prometheus].Strings("command").Select(a => ConfigFileFlag().Match(a)).FirstOrDefault(m => m.Success)?.Groups["path"].Value
            ?? "/etc/prometheus/prometheus.yml";
        var mount = Assert.Single(Stack.Mounts(prometheus), m => m.Target == configPath && m.IsBind);
        var config = Yaml.Document(Repository.Read(Compose.ResolveHostPath(mount.Source)));

        var scraped = new HashSet<string>(StringComparer.Ordinal);
        var jobs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scrape in config.Items("scrape_configs"))
        {
            jobs.Add(scrape.Text("job_name")!);
            foreach (var target in scrape.Items("static_configs").SelectMany(c => c.Strings("targets")))
            {
                var (host, port) = (target.Split(':')[0], int.Parse(target.Split(':')[1], CultureInfo.InvariantCulture));
                Assert.True(Stack.Services.ContainsKey(host), $"Scrape target {target} names no compose service.");
                Assert.True(Stack.HttpPort(host) == port, $"Scrape target {target}: {host} listens on {Stack.HttpPort(host)}.");
                scraped.Add(host);
            }
        }

        Assert.DoesNotContain(Stack.ProjectServices, s => Stack.HttpPort(s) is not null && !scraped.Contains(s));
        Assert.Subset(jobs, Monitoring.DashboardJobs().ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void Grafana_provisions_prometheus_and_the_actors_dashboard()
    {
        var grafana = Assert.Single(Stack.Services.Keys, s => Images.Repository(Stack.Image(s)) == "grafana");
        var mounts = Stack.Mounts(grafana);
        var provisioning = Compose.ResolveHostPath(Assert.Single(mounts, m => m.Target == "/etc/grafana/provisioning" && m.IsBind).Source);

        var providers = Directory.GetFiles(Repository.PathOf($"{provisioning}/dashboards"), "*.yaml")
            .SelectMany(f => Yaml.Document(File.ReadAllText(f)).Items("providers")).ToList();
        Assert.NotEmpty(providers);
        foreach (var provider in providers)
        {
            var folder = provider.Text("options", "path")!;
            var dashboards = mounts.Where(m => m.IsBind && m.Target.StartsWith(folder + "/", StringComparison.Ordinal)).Select(m => Compose.ResolveHostPath(m.Source));
            Assert.Contains(Monitoring.Dashboard, dashboards);
        }

        var datasources = Directory.GetFiles(Repository.PathOf($"{provisioning}/datasources"), "*.yaml")
            .SelectMany(f => Yaml.Document(File.ReadAllText(f)).Items("datasources")).ToList();
        var source = Assert.Single(datasources, d => d.Text("type") == "prometheus");
        Assert.Equal("true", source.Text("isDefault"));
        var url = new Uri(source.Text("url")!);
        Assert.Equal("prometheus", Images.Repository(Stack.Image(url.Host)));
        Assert.Equal(9090, url.Port);
    }

    [Fact]
    public void Secrets_come_from_the_uncommitted_env_file()
    {
        var example = Repository.Read($"{Compose.Folder}/.env.example").Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToDictionary(l => l.Split('=', 2)[0], l => l.Split('=', 2)[1], StringComparer.Ordinal);
        Assert.Subset(example.Keys.ToHashSet(StringComparer.Ordinal), Compose.RequiredVariables().ToHashSet(StringComparer.Ordinal));
        Assert.All(example, e => Assert.Contains("replace", e.Value, StringComparison.Ordinal));

        var ignored = Repository.Read(".gitignore").Split('\n').Select(l => l.Trim());
        Assert.Contains(ignored, l => l is "/deploy/docker/.env" or "deploy/docker/.env" or ".env" or "**/.env");

        foreach (var service in Stack.Services.Keys)
        {
            foreach (var (name, value) in Stack.Environment(service))
            {
                if (SecretName().IsMatch(name))
                {
                    Assert.True(WholeInterpolation().IsMatch(value), $"{service}: {name} must come from the env file (${{...}}), not a literal.");
                }

                if (PasswordInValue().Match(value) is { Success: true } password)
                {
                    Assert.True(password.Groups["value"].Value.StartsWith("${", StringComparison.Ordinal), $"{service}: {name} holds a literal password.");
                }
            }
        }
    }

    private static TimeSpan ComposeDuration(string value)
    {
        var total = TimeSpan.Zero;
        foreach (Match part in DurationPart().Matches(value))
        {
            var amount = double.Parse(part.Groups["n"].Value, CultureInfo.InvariantCulture);
            total += part.Groups["unit"].Value switch
            {
                "h" => TimeSpan.FromHours(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "ms" => TimeSpan.FromMilliseconds(amount),
                var unit => throw new FormatException($"Unknown duration unit {unit} in {value}."),
            };
        }

        return total;
    }

    [GeneratedRegex(@"/dev/tcp/127\.0\.0\.1/(?<port>\d+).*GET (?<path>/\S+)")]
    private static partial Regex HealthProbe();

    [GeneratedRegex("^--config.file=(?<path>.+)$")]
    private static partial Regex ConfigFileFlag();

    [GeneratedRegex(@"(?i)password|secret|signingkey|token|apikey")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?][^}]*)?\}$")]
    private static partial Regex WholeInterpolation();

    [GeneratedRegex(@"(?i)(?:^|;)\s*(?:password|pwd)\s*=\s*(?<value>[^;]*)")]
    private static partial Regex PasswordInValue();

    [GeneratedRegex(@"(?<n>\d+(?:\.\d+)?)(?<unit>ms|h|m|s)")]
    private static partial Regex DurationPart();
}
