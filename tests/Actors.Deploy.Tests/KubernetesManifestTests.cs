using System.Globalization;
using System.Text.RegularExpressions;
using Actors.Deploy.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Actors.Deploy.Tests;

/// <summary>
/// Rules for the objects <c>kubectl kustomize</c> renders from deploy/k8s and from every overlay: the
/// Orleans hosting guidance (pod name and IP, explicit ports, probes, graceful shutdown) and the
/// consistency a typo would break (selectors, references, configuration keys).
/// </summary>
public sealed partial class KubernetesManifestTests
{
    /// <summary>The gateway's drain time on SIGTERM: Gateway:ShutdownTimeout, whose default the manifests keep.</summary>
    private const int GatewayDrainSeconds = 30;

    /// <summary>PostgreSQL's superuser_reserved_connections default.</summary>
    private const int PostgresReservedConnections = 3;

    private static readonly string[] ResourceKinds = ["requests", "limits"];
    private static readonly string[] Resources = ["cpu", "memory"];
    private static readonly string[] JobRestartPolicies = ["OnFailure", "Never"];

    public static TheoryData<string> Kustomizations => Rendering.Kustomizations;

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Renders_one_namespace_holding_every_object(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        var ns = Assert.Single(rendering.OfKind("Namespace")).Name;
        var elsewhere = rendering.Objects.Where(o => o.Kind != "Namespace" && o.Namespace != ns).Select(o => $"{o} in {o.Namespace ?? "(none)"}");
        Assert.Empty(elsewhere);
    }

    [Fact]
    public void Base_runs_its_own_postgres_and_redis()
    {
        // Overlays may point at a managed PostgreSQL or Redis instead; the base must bring both.
        var rendering = Rendering.Of("deploy/k8s");
        Assert.Contains(rendering.Workloads, w => w.Object.Kind == "StatefulSet" && w.Main.ImageRepository == "postgres");
        Assert.Contains(rendering.Workloads, w => w.Object.Kind == "StatefulSet" && w.Main.ImageRepository == "redis");
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Every_container_has_cpu_and_memory_requests_and_limits(string kustomization)
    {
        var missing =
            from workload in Rendering.Of(kustomization).Workloads
            from container in workload.Containers
            from kind in ResourceKinds
            from resource in Resources
            where string.IsNullOrEmpty(container.Node.Text("resources", kind, resource))
            select $"{container}: resources.{kind}.{resource}";
        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Silo_is_named_after_its_pod_and_advertises_the_pod_ip(string kustomization)
    {
        var silo = Rendering.Of(kustomization).Silo.Main;
        Assert.Equal("metadata.name", FieldPath(silo, "POD_NAME"));
        Assert.Equal("status.podIP", FieldPath(silo, "POD_IP"));
        Assert.Equal("metadata.name", FieldPath(silo, "Silo__Name"));
        Assert.Equal("status.podIP", FieldPath(silo, "Silo__AdvertisedIP"));
        Assert.Equal("true", silo.Setting("Silo:ListenOnAnyAddress"), ignoreCase: true);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Silo_sets_its_orleans_ports_explicitly_and_declares_them(string kustomization)
    {
        var silo = Rendering.Of(kustomization).Silo.Main;
        var siloPort = silo.Variable("Silo__SiloPort");
        var gatewayPort = silo.Variable("Silo__GatewayPort");
        Assert.Equal("11111", siloPort);
        Assert.Equal("30000", gatewayPort);
        Assert.Contains(11111, silo.Ports.Values);
        Assert.Contains(30000, silo.Ports.Values);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Silo_and_gateway_probe_startup_readiness_and_liveness_on_their_http_port(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        foreach (var container in new[] { rendering.Silo.Main, rendering.Gateway.Main })
        {
            // A gateway with a management port answers probes there only.
            var httpPorts = container.Setting("Gateway__ManagementPort") is { } management
                ? [int.Parse(management, System.Globalization.CultureInfo.InvariantCulture)]
                : Urls.Ports(container.Setting("Urls"));
            Assert.True(httpPorts.Count > 0, $"{container}: Urls sets no port.");
            foreach (var (probe, path) in new[] { ("startupProbe", "/health/startup"), ("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live") })
            {
                Assert.True(path == container.Node.Text(probe, "httpGet", "path"), $"{container}: {probe} must GET {path}.");
                var port = container.ResolvePort(container.Node.Text(probe, "httpGet", "port"));
                Assert.True(port is { } p && httpPorts.Contains(p) && container.Ports.ContainsValue(p),
                    $"{container}: {probe} port {port} is not the declared HTTP port ({string.Join(", ", httpPorts)}).");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void The_gateway_service_exposes_the_api_and_not_the_management_port(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        var gateway = rendering.Gateway.Main;
        var management = int.Parse(gateway.Setting("Gateway__ManagementPort") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(management > 0, "the gateway has no management port of its own");
        var services = rendering.OfKind("Service").Where(s =>
            s.Node.StringMap("spec", "selector").All(l => rendering.Gateway.Labels.GetValueOrDefault(l.Key) == l.Value)
            && s.Node.StringMap("spec", "selector").Count > 0).ToList();
        Assert.NotEmpty(services);
        foreach (var service in services)
        {
            var targets = service.Node.Items("spec", "ports").Select(p => gateway.ResolvePort(p.Text("targetPort") ?? p.Text("port"))).ToList();
            Assert.DoesNotContain(management, targets.Cast<int>());
            Assert.Contains(Urls.Ports(gateway.Setting("Urls"))[0], targets.Cast<int>());
        }
    }

    [Fact]
    public void Liveness_endpoint_runs_no_dependency_check_in_either_host()
    {
        // Both hosts map their health endpoints with ServiceDefaults' MapActorsHealth, under /health.
        const string Shared = "hosting/Actors.ServiceDefaults/HealthEndpoints.cs";
        var shared = Repository.Read(Shared);
        Assert.True(HealthGroup().IsMatch(shared), $"{Shared} maps no /health group.");
        var live = SharedLivenessMapping().Match(shared);
        Assert.True(live.Success, $"{Shared} maps no /live endpoint in it.");
        Assert.True(NoChecks().IsMatch(live.Groups["options"].Value),
            $"{Shared}: /health/live must run no health check (Predicate = _ => false), found: {live.Groups["options"].Value.Trim()}");

        foreach (var image in new[] { Images.Silo, Images.Gateway })
        {
            var project = Images.Project(image)!;
            var sources = Repository.Files("*.cs", project).Select(file => (File: Repository.Relative(file), Text: File.ReadAllText(file))).ToList();
            Assert.True(sources.Any(s => s.Text.Contains(".MapActorsHealth()", StringComparison.Ordinal)), $"{project} does not map its health endpoints with MapActorsHealth.");
            foreach (var (file, text) in sources)
            {
                Assert.False(LivenessMapping().IsMatch(text), $"{file} maps /health/live itself; use MapActorsHealth.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Rolling_updates_never_take_a_pod_down_first(string kustomization)
    {
        foreach (var deployment in Rendering.Of(kustomization).OfKind("Deployment"))
        {
            Assert.Equal("RollingUpdate", deployment.Node.Text("spec", "strategy", "type") ?? "RollingUpdate");
            var maxUnavailable = deployment.Node.Text("spec", "strategy", "rollingUpdate", "maxUnavailable");
            Assert.True(maxUnavailable is "0" or "0%", $"{deployment}: rollingUpdate.maxUnavailable is {maxUnavailable ?? "unset (25%)"}, must be 0.");
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Disruption_budgets_cover_silo_and_gateway_pods(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        var budgets = rendering.OfKind("PodDisruptionBudget").ToList();
        foreach (var budget in budgets)
        {
            Assert.True(budget.Node.At("spec", "maxUnavailable") is not null || budget.Node.At("spec", "minAvailable") is not null, $"{budget} sets no limit.");
            Assert.True(rendering.Workloads.Any(w => Selects(budget.Node.At("spec", "selector"), w.Labels)), $"{budget} selects no pods.");
        }

        foreach (var workload in new[] { rendering.Silo, rendering.Gateway })
        {
            Assert.True(budgets.Any(b => Selects(b.Node.At("spec", "selector"), workload.Labels)), $"No PodDisruptionBudget selects the pods of {workload}.");
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Grace_period_outlasts_the_graceful_shutdown(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        var silo = rendering.Silo;
        var shutdown = TimeSpan.Parse(silo.Main.Setting("Silo:ShutdownTimeout")!, CultureInfo.InvariantCulture);
        var siloGrace = silo.PodSpec.Int("terminationGracePeriodSeconds") ?? 30;
        Assert.True(siloGrace > shutdown.TotalSeconds, $"{silo}: terminationGracePeriodSeconds {siloGrace} must exceed Silo:ShutdownTimeout {shutdown}.");

        var gateway = rendering.Gateway;
        var preStop = gateway.Main.Node.Strings("lifecycle", "preStop", "exec", "command") is ["sleep", var seconds]
            ? int.Parse(seconds, CultureInfo.InvariantCulture)
            : gateway.Main.Node.Int("lifecycle", "preStop", "sleep", "seconds") ?? 0;
        var gatewayGrace = gateway.PodSpec.Int("terminationGracePeriodSeconds") ?? 30;
        Assert.True(gatewayGrace > preStop + GatewayDrainSeconds,
            $"{gateway}: terminationGracePeriodSeconds {gatewayGrace} must exceed preStop {preStop} s + the gateway's {GatewayDrainSeconds} s drain (Gateway:ShutdownTimeout).");
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Migration_job_runs_migrate_with_the_silo_image_and_needs_only_the_secret(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        var job = rendering.MigrationJob;
        var container = job.Main;
        Assert.Equal(["migrate"], container.Node.Strings("args"));
        Assert.Empty(container.Node.Strings("command"));
        Assert.Equal(rendering.Silo.Main.Image, container.Image);
        Assert.Contains(job.PodSpec.Text("restartPolicy"), JobRestartPolicies);
        Assert.Contains("ConnectionStrings__Postgres", container.EnvironmentNames);
        // deploy/README.md applies it alone (-l app.kubernetes.io/component=migrate) before a rollout.
        Assert.Equal("migrate", job.Object.Node.Text("metadata", "labels", "app.kubernetes.io/component"));
        Assert.Empty(container.ConfigMapsFrom);
        Assert.DoesNotContain(container.Env, e => e.At("valueFrom", "configMapKeyRef") is not null);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Autoscalers_own_the_replica_count_of_silo_and_gateway_deployments(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        var autoscalers = rendering.OfKind("HorizontalPodAutoscaler").ToList();
        foreach (var hpa in autoscalers)
        {
            Assert.Equal("autoscaling/v2", hpa.ApiVersion);
            Assert.Equal("Deployment", hpa.Node.Text("spec", "scaleTargetRef", "kind"));
            Assert.NotNull(rendering.Find("Deployment", hpa.Node.Text("spec", "scaleTargetRef", "name") ?? ""));
            var min = hpa.Node.Int("spec", "minReplicas") ?? 1;
            var max = hpa.Node.Int("spec", "maxReplicas") ?? 0;
            Assert.True(min >= 2 && min <= max, $"{hpa}: minReplicas {min}, maxReplicas {max}.");
            Assert.Contains(hpa.Node.Items("spec", "metrics"), m => m.Text("type") == "Resource" && m.Text("resource", "name") == "cpu");
        }

        // KEDA's ScaledObjects (deploy/k8s/overlays/keda) make their own HPAs from the same bounds.
        foreach (var scaled in rendering.OfKind("ScaledObject"))
        {
            Assert.NotNull(rendering.Find("Deployment", scaled.Node.Text("spec", "scaleTargetRef", "name") ?? ""));
            var min = scaled.Node.Int("spec", "minReplicaCount") ?? 0;
            var max = scaled.Node.Int("spec", "maxReplicaCount") ?? 100;
            Assert.True(min >= 2 && min <= max, $"{scaled}: minReplicaCount {min}, maxReplicaCount {max}.");
            Assert.Contains(scaled.Node.Items("spec", "triggers"), t => t.Text("type") == "cpu");
        }

        autoscalers.AddRange(rendering.OfKind("ScaledObject"));
        foreach (var workload in new[] { rendering.Silo, rendering.Gateway })
        {
            Assert.Single(autoscalers, h => h.Node.Text("spec", "scaleTargetRef", "name") == workload.Object.Name);
            // A replica count in the manifest would reset the autoscaler's choice on every apply.
            Assert.Null(workload.Object.Node.At("spec", "replicas"));
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Service_selectors_and_target_ports_match_pods(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        foreach (var service in rendering.OfKind("Service"))
        {
            var selector = service.Node.StringMap("spec", "selector");
            Assert.True(selector.Count > 0, $"{service} has no selector.");
            var pods = rendering.Workloads.Where(w => selector.All(l => w.Labels.GetValueOrDefault(l.Key) == l.Value)).ToList();
            Assert.True(pods.Count > 0, $"{service} selects no pod template.");
            foreach (var port in service.Node.Items("spec", "ports"))
            {
                var target = port.Text("targetPort") ?? port.Text("port");
                Assert.True(pods.All(p => p.Containers.Any(c => c.ResolvePort(target) is { } number && c.Ports.ContainsValue(number))),
                    $"{service}: targetPort {target} is not a container port of the selected pods.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Config_map_and_secret_references_resolve(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        var operatorSecrets = DeployGuide.OperatorSecrets();
        var problems = new List<string>();
        void CheckConfigMap(Container c, string? name, string? key, bool optional)
        {
            var data = rendering.ConfigMapData(name ?? "");
            if (!optional && (data is null || (key is not null && !data.ContainsKey(key))))
            {
                problems.Add($"{c}: ConfigMap {name}{(key is null ? "" : $" key {key}")} is not rendered.");
            }
        }

        void CheckSecret(Container c, string? name, string? key, bool optional)
        {
            var rendered = rendering.Find("Secret", name ?? "");
            var renderedKeys = rendered?.Node.StringMap("data").Keys.Concat(rendered.Node.StringMap("stringData").Keys).ToHashSet();
            var found = rendered is not null
                ? key is null || renderedKeys!.Contains(key)
                : operatorSecrets.TryGetValue(name ?? "", out var keys) && (key is null || keys.Contains(key));
            if (!optional && !found)
            {
                problems.Add($"{c}: Secret {name}{(key is null ? "" : $" key {key}")} is neither rendered nor created by `kubectl create secret generic` in {DeployGuide.File}.");
            }
        }

        foreach (var workload in rendering.Workloads)
        {
            foreach (var container in workload.Containers)
            {
                foreach (var env in container.Env)
                {
                    if (env.At("valueFrom", "configMapKeyRef") is { } cm)
                    {
                        CheckConfigMap(container, cm.Text("name"), cm.Text("key"), cm.Text("optional") == "true");
                    }

                    if (env.At("valueFrom", "secretKeyRef") is { } secret)
                    {
                        CheckSecret(container, secret.Text("name"), secret.Text("key"), secret.Text("optional") == "true");
                    }
                }

                foreach (var source in container.Node.Items("envFrom"))
                {
                    if (source.At("configMapRef") is { } cm)
                    {
                        CheckConfigMap(container, cm.Text("name"), null, cm.Text("optional") == "true");
                    }

                    if (source.At("secretRef") is { } secret)
                    {
                        CheckSecret(container, secret.Text("name"), null, secret.Text("optional") == "true");
                    }
                }

                foreach (var volume in workload.PodSpec.Items("volumes"))
                {
                    if (volume.At("configMap") is { } cm)
                    {
                        CheckConfigMap(container, cm.Text("name"), null, cm.Text("optional") == "true");
                    }

                    if (volume.At("secret") is { } secret)
                    {
                        CheckSecret(container, secret.Text("secretName"), null, secret.Text("optional") == "true");
                    }
                }
            }
        }

        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Configuration_variables_name_keys_the_code_reads(string kustomization)
    {
        var unknown =
            from workload in Rendering.Of(kustomization).Workloads
            from container in workload.Containers
            where container.IsProject
            from name in ConfigurationKeys.Unknown(container.EnvironmentNames)
            select $"{container}: {name}";
        Assert.Empty(unknown);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Variable_references_name_variables_defined_before_them(string kustomization)
    {
        // Kubernetes leaves "$(NAME)" as literal text when NAME is not defined earlier: no error, a wrong value.
        var rendering = Rendering.Of(kustomization);
        var problems = new List<string>();
        foreach (var container in rendering.Workloads.SelectMany(w => w.Containers))
        {
            var defined = container.ConfigMapsFrom.SelectMany(m => rendering.ConfigMapData(m)?.Keys ?? Enumerable.Empty<string>()).ToHashSet(StringComparer.Ordinal);
            foreach (var env in container.Env)
            {
                foreach (Match reference in VariableReference().Matches(env.Text("value") ?? ""))
                {
                    if (!defined.Contains(reference.Groups["name"].Value))
                    {
                        problems.Add($"{container}: {env.Text("name")} refers to $({reference.Groups["name"].Value}) before it is defined.");
                    }
                }

                defined.Add(env.Text("name") ?? "");
            }
        }

        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Every_container_runs_as_non_root_without_privilege_escalation(string kustomization)
    {
        var problems = new List<string>();
        foreach (var workload in Rendering.Of(kustomization).Workloads)
        {
            foreach (var container in workload.Containers)
            {
                var nonRoot = container.Node.Text("securityContext", "runAsNonRoot") ?? workload.PodSpec.Text("securityContext", "runAsNonRoot");
                var user = container.Node.Text("securityContext", "runAsUser") ?? workload.PodSpec.Text("securityContext", "runAsUser");
                if (nonRoot != "true" || user == "0")
                {
                    problems.Add($"{container}: runAsNonRoot {nonRoot ?? "unset"}, runAsUser {user ?? "unset"}.");
                }

                if (container.Node.Text("securityContext", "allowPrivilegeEscalation") != "false")
                {
                    problems.Add($"{container}: allowPrivilegeEscalation is not false.");
                }
            }
        }

        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Silo_and_gateway_pods_are_scraped_into_the_jobs_the_dashboard_reads(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        var scrape = Yaml.Document(Repository.Read(Monitoring.KubernetesScrapeConfig)).Items("scrape_configs")
            .Single(s => s.At("kubernetes_sd_configs") is not null);
        var jobRule = scrape.Items("relabel_configs")
            .Single(r => r.Text("target_label") == "job" && r.Strings("source_labels").Contains("__meta_kubernetes_pod_label_app_kubernetes_io_component"));
        var dashboardJobs = Monitoring.DashboardJobs();
        foreach (var workload in new[] { rendering.Silo, rendering.Gateway })
        {
            var annotations = workload.Annotations;
            Assert.Equal("true", annotations.GetValueOrDefault("prometheus.io/scrape"));
            Assert.Equal("/metrics", annotations.GetValueOrDefault("prometheus.io/path"));
            var port = workload.Main.ResolvePort(annotations.GetValueOrDefault("prometheus.io/port"));
            // /metrics answers on the management port when there is one, else on the HTTP port.
            var metricsPorts = workload.Main.Setting("Gateway__ManagementPort") is { } management
                ? [int.Parse(management, System.Globalization.CultureInfo.InvariantCulture)]
                : Urls.Ports(workload.Main.Setting("Urls"));
            Assert.True(port is { } p && metricsPorts.Contains(p) && workload.Main.Ports.ContainsValue(p),
                $"{workload}: prometheus.io/port {port} is not the port that serves /metrics.");

            // The job Prometheus gives the pod (relabelled from its component label) must be one the dashboard queries.
            var component = workload.Labels.GetValueOrDefault("app.kubernetes.io/component") ?? "";
            var match = Regex.Match(component, $"^(?:{jobRule.Text("regex")})$");
            Assert.True(match.Success, $"{workload}: component label '{component}' does not match the scrape rule's regex.");
            var job = match.Result(jobRule.Text("replacement")!);
            Assert.Contains(job, dashboardJobs);
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Redis_keeps_the_membership_table_in_an_append_only_file_on_a_volume(string kustomization)
    {
        var redis = Rendering.Of(kustomization).Workloads.SingleOrDefault(w => w.Object.Kind == "StatefulSet" && w.Main.ImageRepository == "redis");
        if (redis is null)
        {
            return; // an external Redis: its persistence is the operator's to check
        }

        Assert.StartsWith("redis:7", redis.Main.Image, StringComparison.Ordinal);
        var arguments = redis.Main.Node.Strings("command").Concat(redis.Main.Node.Strings("args")).ToList();
        var appendOnly = arguments.IndexOf("--appendonly");
        Assert.True(appendOnly >= 0 && arguments.ElementAtOrDefault(appendOnly + 1) == "yes", "Redis must run with --appendonly yes.");
        var dir = arguments.IndexOf("--dir") is var d and >= 0 ? arguments[d + 1] : "/data";
        var mount = redis.Main.Node.Items("volumeMounts").SingleOrDefault(m => m.Text("mountPath") == dir);
        Assert.True(mount is not null, $"Nothing is mounted at Redis's data directory {dir}.");
        Assert.Contains(mount.Text("name"), redis.Object.Node.Items("spec", "volumeClaimTemplates").Select(t => t.Text("metadata", "name")));
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Silo_connection_pools_fit_in_postgres_max_connections_at_full_scale(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        var postgres = rendering.Workloads.SingleOrDefault(w => w.Object.Kind == "StatefulSet" && w.Main.ImageRepository == "postgres");
        if (postgres is null)
        {
            return; // an external PostgreSQL: its max_connections is the operator's to size
        }

        Assert.StartsWith("postgres:15", postgres.Main.Image, StringComparison.Ordinal);
        var setting = postgres.Main.Node.Strings("args").Select(a => MaxConnections().Match(a)).FirstOrDefault(m => m.Success);
        var maxConnections = setting is null ? 100 : int.Parse(setting.Groups["n"].Value, CultureInfo.InvariantCulture);

        var silo = rendering.Silo;
        var autoscaler = rendering.OfKind("HorizontalPodAutoscaler").Concat(rendering.OfKind("ScaledObject"))
            .Single(h => h.Node.Text("spec", "scaleTargetRef", "name") == silo.Object.Name);
        var maxReplicas = (autoscaler.Node.Int("spec", "maxReplicas") ?? autoscaler.Node.Int("spec", "maxReplicaCount"))!.Value;
        var maxSilos = maxReplicas + Surge(silo.Object, maxReplicas);
        var siloPool = PoolSize(silo.Main.Variable("ConnectionStrings__Postgres"));
        var jobPool = PoolSize(rendering.MigrationJob.Main.Variable("ConnectionStrings__Postgres"));
        var needed = maxSilos * siloPool + jobPool + PostgresReservedConnections;
        Assert.True(needed <= maxConnections,
            $"{maxSilos} silos x {siloPool} + migration {jobPool} + {PostgresReservedConnections} reserved = {needed} connections, over max_connections {maxConnections}.");
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Secrets_reach_containers_only_through_secret_references(string kustomization)
    {
        var rendering = Rendering.Of(kustomization);
        Assert.Empty(rendering.OfKind("Secret"));
        var problems = new List<string>();
        foreach (var container in rendering.Workloads.SelectMany(w => w.Containers))
        {
            foreach (var env in container.Env)
            {
                var name = env.Text("name") ?? "";
                var value = env.Text("value");
                if (SecretName().IsMatch(name) && env.At("valueFrom", "secretKeyRef") is null)
                {
                    problems.Add($"{container}: {name} is not read from a Secret.");
                }

                if (value is not null && PasswordInValue().Match(value) is { Success: true } password && !password.Groups["value"].Value.StartsWith("$(", StringComparison.Ordinal))
                {
                    problems.Add($"{container}: {name} holds a literal password.");
                }
            }
        }

        Assert.Empty(problems);
    }

    private static string? FieldPath(Container container, string name)
    {
        var entry = container.Env.LastOrDefault(e => e.Text("name") == name);
        if (entry?.Text("valueFrom", "fieldRef", "fieldPath") is { } path)
        {
            return path;
        }

        return entry?.Text("value") is { } value && VariableReference().Match(value) is { Success: true } reference && reference.Value == value
            ? FieldPath(container, reference.Groups["name"].Value)
            : null;
    }

    private static bool Selects(YamlNode? selector, Dictionary<string, string> labels)
    {
        var matchLabels = selector.StringMap("matchLabels");
        Assert.Empty(selector.Items("matchExpressions"));
        return matchLabels.Count > 0 && matchLabels.All(l => labels.GetValueOrDefault(l.Key) == l.Value);
    }

    private static int Surge(KubeObject deployment, int replicas)
    {
        var surge = deployment.Node.Text("spec", "strategy", "rollingUpdate", "maxSurge") ?? "25%";
        return surge.EndsWith('%')
            ? (int)Math.Ceiling(replicas * int.Parse(surge[..^1], CultureInfo.InvariantCulture) / 100.0)
            : int.Parse(surge, CultureInfo.InvariantCulture);
    }

    /// <summary>Npgsql's Maximum Pool Size (100 when the connection string does not set it).</summary>
    private static int PoolSize(string? connectionString)
    {
        Assert.NotNull(connectionString);
        var match = PoolSetting().Match(connectionString);
        return match.Success ? int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture) : 100;
    }

    [GeneratedRegex("""MapHealthChecks\(\s*"/health/live"\s*,(?<options>[^;]*)""")]
    private static partial Regex LivenessMapping();

    [GeneratedRegex("""MapGroup\(\s*"/health"\s*\)""")]
    private static partial Regex HealthGroup();

    [GeneratedRegex("""MapHealthChecks\(\s*"/live"\s*,(?<options>[^;]*)""")]
    private static partial Regex SharedLivenessMapping();

    [GeneratedRegex(@"Predicate\s*=\s*_\s*=>\s*false")]
    private static partial Regex NoChecks();

    [GeneratedRegex(@"(?<!\$)\$\((?<name>[A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^max_connections=(?<n>\d+)$")]
    private static partial Regex MaxConnections();

    [GeneratedRegex(@"(?i)(?:^|;)\s*(?:Maximum Pool Size|MaxPoolSize|Max Pool Size)\s*=\s*(?<n>\d+)")]
    private static partial Regex PoolSetting();

    [GeneratedRegex(@"(?i)password|secret|signingkey|token|apikey")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(?i)(?:^|;)\s*(?:password|pwd)\s*=\s*(?<value>[^;]*)")]
    private static partial Regex PasswordInValue();
}
