using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Actors.Stack.Tests.Infrastructure;
using Actors.Testing;

namespace Actors.Stack.Tests;

/// <summary>Runs on the tight-limits stack, where a rate-limit rejection is easy to cause.</summary>
[Collection(TightLimitsGroup.Name)]
public sealed partial class ObservabilityTests(TightLimitsFixture fixture)
{
    private Deployment Stack => fixture.Stack;

    [Fact]
    public async Task Metrics_on_gateway_and_silo_carry_the_projects_instruments_with_values_after_traffic()
    {
        await CauseTraffic();

        var gateway = await Metrics.ScrapeAsync(new Uri(Stack.Http.BaseAddress!, "/metrics"));
        var silo = await Metrics.ScrapeAsync(Stack.SiloMetrics(0));

        Assert.True(Metrics.Value(gateway, "http_server_request_duration_seconds_count", "http_route=\"/api/users/{id}\"") > 0);
        Assert.True(Metrics.Value(gateway, "actors_ratelimit_rejections_total") > 0);
        Assert.True(Metrics.Value(silo, "actors_grain_reads_total", "source=\"memory\"") > 0);
        Assert.True(Metrics.Value(silo, "actors_grain_reads_total", "source=\"database\"") > 0);
        Assert.True(Metrics.Value(silo, "actors_db_operation_duration_seconds_count", "kind=\"write\"") > 0);
        Assert.True(Metrics.Value(silo, "orleans_catalog_activations") > 0);
        Assert.True(Metrics.Value(silo, "db_client_connection_max") > 0);
        // The sign-ups' events were relayed and their mails sent, and the backlog gauges are exported.
        await Poll.UntilAsync(async () =>
        {
            var both = await Metrics.ScrapeAsync(Stack.SiloMetrics(0));
            return Metrics.Value(both, "actors_outbox_relayed_total") > 0
                && Metrics.Value(both, "actors_outbox_consumer_lag_seconds_count", "consumer=\"account-mail\"", "outcome=\"done\"") > 0;
        }, "the sign-ups' events relayed and their mails sent", interval: TimeSpan.FromMilliseconds(200));
        Assert.Contains("actors_outbox_pending{", silo, StringComparison.Ordinal);
        Assert.Contains("actors_outbox_oldest_pending_age_seconds{", silo, StringComparison.Ordinal);
        // Buckets fine enough to read p99 below 10 ms.
        Assert.Contains("http_server_request_duration_seconds_bucket{", gateway, StringComparison.Ordinal);
        Assert.Contains("le=\"0.0015\"", gateway, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_metric_the_Grafana_dashboard_queries_is_exported()
    {
        await CauseTraffic();
        var exported = await Metrics.ScrapeAsync(new Uri(Stack.Http.BaseAddress!, "/metrics")) + await Metrics.ScrapeAsync(Stack.SiloMetrics(0));
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepositoryRoot, "deploy/grafana/actors-dashboard.json")));

        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => MetricSelector().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Groups[1].Value))
            .ToHashSet();

        Assert.True(queried.Count >= 8, string.Join(", ", queried));
        var missing = queried.Where(m => !exported.Contains(m + "{", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "not exported: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Every_metric_the_alert_rules_and_autoscalers_query_is_exported()
    {
        await CauseTraffic();
        var exported = await Metrics.ScrapeAsync(new Uri(Stack.Http.BaseAddress!, "/metrics")) + await Metrics.ScrapeAsync(Stack.SiloMetrics(0));
        var rules = (await File.ReadAllLinesAsync(Path.Combine(TestEnvironment.RepositoryRoot, "deploy/prometheus/alerts.yml")))
            .Concat(await File.ReadAllLinesAsync(Path.Combine(TestEnvironment.RepositoryRoot, "deploy/k8s/overlays/keda/scaled-objects.yaml")));

        // The alert rules' and autoscalers' queries. Names in each once label matchers, grouping labels
        // and ranges are gone, that no "(" follows (functions): the metrics. "up" is Prometheus's own.
        var queried = rules.Select(l => l.TrimStart())
            .Where(l => l.StartsWith("expr:", StringComparison.Ordinal) || l.StartsWith("query:", StringComparison.Ordinal))
            .Select(l => RuleNoise().Replace(l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..], " "))
            .SelectMany(e => RuleMetric().Matches(e).Select(m => m.Groups[1].Value))
            .Where(m => m != "up")
            .ToHashSet();

        Assert.True(queried.Count >= 10, string.Join(", ", queried));
        var missing = queried.Where(m => !exported.Contains(m + "{", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "not exported: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task A_requests_trace_id_reaches_the_silo_that_served_it()
    {
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var tag = Guid.NewGuid().ToString("N")[..12];
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/users")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { handle = $"t_{tag}", email = $"{tag}@trace.test", displayName = "Traced", password = "long enough password" }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");

        using var response = await Stack.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Poll.UntilAsync(() => Task.FromResult(Stack.Silos.Any(s => s.Printed(traceId))), "a silo logs the trace id",
            interval: TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task The_Orleans_Dashboard_is_served_by_a_silo_when_enabled()
    {
        using var http = new HttpClient();
        var url = new Uri(Stack.SiloMetrics(0), "/dashboard");

        using var response = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task CauseTraffic()
    {
        var (id, client, _) = await Stack.NewUserAsync();
        using var created = await client.PostJson("/api/posts", new { body = "observed" });
        var post = (await created.Json(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        // The first read is served with no activation; the second activates the post's grain, which loads its row.
        (await client.GetAsync($"/api/posts/{post}")).EnsureSuccessStatusCode();
        (await client.GetAsync($"/api/posts/{post}")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/users/{Guid.CreateVersion7()}")).StatusCode);
        HttpStatusCode last;
        do
        {
            using var response = await client.GetAsync($"/api/users/{id}");
            last = response.StatusCode;
        }
        while (last == HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.TooManyRequests, last);
    }
    [GeneratedRegex(@"\{[^}]*\}|\b(?:by|without)\s*\([^)]*\)|\[[^\]]*\]")]
    private static partial Regex RuleNoise();

    [GeneratedRegex(@"\b([a-zA-Z_:][a-zA-Z0-9_:]*_[a-zA-Z0-9_:]*)\b(?!\s*\()")]
    private static partial Regex RuleMetric();

    // A metric name directly followed by its label braces, as every dashboard query writes them.
    [GeneratedRegex(@"([a-zA-Z_:][a-zA-Z0-9_:]*)\{")]
    private static partial Regex MetricSelector();
}
