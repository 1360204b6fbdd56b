using System.Net;
using System.Net.Http.Json;
using Actors.Stack.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Actors.Stack.Tests;

/// <summary>
/// One request is one trace: a post sent with a sampled traceparent is exported over OTLP as one tree,
/// from the gateway's HTTP span through the Orleans call to the silo's grain span and its SQL
/// statement, and the background work the post caused (the outbox relay and the fan-out consumer)
/// is exported as spans linked to it.
/// </summary>
[Collection(LifecycleGroup.Name)]
public sealed class TraceTests(ITestOutputHelper output)
{
    private const int ServerKind = 2;
    private const int ClientKind = 3;

    [Fact]
    public async Task A_traced_post_is_one_tree_down_to_its_statement_and_its_background_work_links_to_it()
    {
        await using var otlp = new OtlpReceiver();
        var telemetry = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            // Only what the test asks for is traced.
            ["Telemetry__TraceSampleRatio"] = "0",
        };
        await using var stack = await Deployment.StartAsync(silos: 1, gatewaySettings: telemetry, siloSettings: telemetry);
        var (_, author, _) = await stack.NewUserAsync();
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var caller = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8]);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts") { Content = JsonContent.Create(new { body = "traced" }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{caller}-01");
        using var response = await author.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        bool Linked(ReceivedSpan s, string name) => s.Name == name && s.Links.Any(l => l.TraceId == traceId);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !(otlp.Spans.Any(s => s.TraceId == traceId && s.Scope == "Npgsql")
            && otlp.Spans.Any(s => s.ParentSpanId == caller)
            && otlp.Spans.Any(s => Linked(s, "outbox relay PostCreated")) && otlp.Spans.Any(s => Linked(s, "outbox consume fan-out"))))
        {
            await Task.Delay(200);
        }

        var spans = otlp.Spans;
        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        foreach (var span in spans.Where(s => s.TraceId == traceId || s.Links.Any(l => l.TraceId == traceId)))
        {
            output.WriteLine($"{span.Service} {span.Scope} kind {span.Kind}: {span.Name} {span.SpanId} <- {span.ParentSpanId} links {string.Join(",", span.Links.Select(l => l.SpanId))} "
                + string.Join(" ", span.Attributes.Select(a => $"{a.Key}={a.Value}")));
        }

        // One tree: a single root under the caller's span, and every other span's parent in the trace.
        var byId = trace.ToDictionary(s => s.SpanId);
        var root = Assert.Single(trace, s => s.ParentSpanId == caller);
        Assert.Equal(("actors-gateway", ServerKind), (root.Service, root.Kind));
        Assert.All(trace.Where(s => s != root), s => Assert.True(byId.ContainsKey(s.ParentSpanId), $"{s.Name} has a parent outside the trace"));

        // The statement's ancestry: silo grain span <- gateway's Orleans call <- the HTTP span.
        var create = Assert.Single(trace, s => s.Name == "IUserGrain/CreatePost" && s.Service == "actors-silo");
        var statement = Assert.Single(trace, s => s.Scope == "Npgsql" && s.ParentSpanId == create.SpanId);
        var ancestry = new List<ReceivedSpan>();
        for (var at = statement; at.ParentSpanId != caller; at = byId[at.ParentSpanId])
        {
            ancestry.Add(byId[at.ParentSpanId]);
        }

        var grainSpan = ancestry.FindIndex(s => s.Service == "actors-silo" && s.Kind == ServerKind && s.Scope.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        var call = ancestry.FindIndex(s => s.Service == "actors-gateway" && s.Kind == ClientKind && s.Scope.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        Assert.True(grainSpan >= 0 && call > grainSpan && ancestry[^1] == root, string.Join(" <- ", ancestry.Select(s => $"{s.Service}:{s.Name}")));

        // The background work: spans of their own traces, linked to a span of the request's trace.
        foreach (var name in new[] { "outbox relay PostCreated", "outbox consume fan-out" })
        {
            var linked = Assert.Single(spans, s => Linked(s, name));
            Assert.NotEqual(traceId, linked.TraceId);
            Assert.Contains(linked.Links, l => l.TraceId == traceId && byId.ContainsKey(l.SpanId));
        }
    }
}
