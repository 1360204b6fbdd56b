using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Actors.Stack.Tests.Infrastructure;
using Json.Schema;

namespace Actors.Stack.Tests;

/// <summary>
/// The OpenAPI document is what a generated client trusts: every answer the API gives to real calls
/// has a documented status, and its JSON validates against the document's schema for that status.
/// </summary>
[Collection(StackGroup.Name)]
public sealed class OpenApiContractTests(StackFixture fixture)
{
    [Fact]
    public async Task Answers_to_real_calls_are_documented_and_match_their_schemas()
    {
        var document = JsonNode.Parse(await fixture.Stack.Http.GetStringAsync("/openapi/v1.json"))!;
        var (owner, asOwner, _) = await fixture.Stack.NewUserAsync();
        var (other, asOther, otherEmail) = await fixture.Stack.NewUserAsync();
        var anonymous = fixture.Stack.Http;
        var post = (await (await asOwner.PostJson("/api/posts", new { body = "contract" })).Json(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await asOther.PutAsync($"/api/users/{other}/following/{owner}", null);
        var tag = Guid.NewGuid().ToString("N")[..10];

        var calls = new List<(string Path, string Method, Func<Task<HttpResponseMessage>> Send)>
        {
            ("/api/users", "post", () => anonymous.PostJson("/api/users", new { handle = $"c_{tag}", email = $"{tag}@example.test", displayName = "C", password = "long enough password" })),
            ("/api/users", "post", () => anonymous.PostJson("/api/users", new { handle = "", email = "no", displayName = "", password = "x" })),
            ("/api/users", "post", () => anonymous.PostJson("/api/users", new { handle = $"d_{tag}", email = otherEmail, displayName = "D", password = "long enough password" })),
            ("/api/users/confirmations", "post", async () => await anonymous.PostJson("/api/users/confirmations",
                new { token = await fixture.Stack.ConfirmationTokenAsync($"{tag}@example.test") })),
            ("/api/users/confirmations", "post", () => anonymous.PostJson("/api/users/confirmations", new { token = "spent or never issued" })),
            ("/api/users", "get", () => anonymous.GetAsync("/api/users?limit=3")),
            ("/api/users", "get", () => anonymous.GetAsync("/api/users?limit=0")),
            ("/api/users/{id}", "get", () => asOwner.GetAsync($"/api/users/{owner}")),
            ("/api/users/{id}", "get", () => anonymous.GetAsync($"/api/users/{owner}")),
            ("/api/users/{id}", "get", () => anonymous.GetAsync($"/api/users/{owner}?fields=handle")),
            ("/api/users/{id}", "get", () => anonymous.GetAsync($"/api/users/{Guid.CreateVersion7()}")),
            ("/api/users/{id}", "get", () => anonymous.GetAsync("/api/users/not-a-uuid")),
            ("/api/users/{id}", "patch", () => asOwner.PatchJson($"/api/users/{owner}", new { bio = "contract bio" })),
            ("/api/users/{id}", "patch", () => asOther.PatchJson($"/api/users/{owner}", new { bio = "not mine" })),
            ("/api/users/{id}", "patch", () => anonymous.PatchJson($"/api/users/{owner}", new { bio = "anonymous" })),
            ("/api/users/{id}/posts", "get", () => anonymous.GetAsync($"/api/users/{owner}/posts?limit=2")),
            ("/api/users/{id}/followers", "get", () => anonymous.GetAsync($"/api/users/{owner}/followers")),
            ("/api/users/{id}/following", "get", () => anonymous.GetAsync($"/api/users/{other}/following")),
            ("/api/posts", "post", () => asOwner.PostJson("/api/posts", new { body = "" })),
            ("/api/posts/{id}", "get", () => anonymous.GetAsync($"/api/posts/{post}")),
            ("/api/posts/{id}", "get", () => anonymous.GetAsync($"/api/posts/{Guid.CreateVersion7()}")),
            ("/api/sessions", "post", () => anonymous.PostJson("/api/sessions", new { email = otherEmail, password = "correct horse battery" })),
            ("/api/sessions", "post", () => anonymous.PostJson("/api/sessions", new { email = otherEmail, password = "wrong password!" })),
            ("/api/feed", "get", () => asOther.GetAsync("/api/feed")),
            ("/api/feed", "get", () => anonymous.GetAsync("/api/feed")),
            ("/api/trending", "get", () => anonymous.GetAsync("/api/trending")),
        };

        var problems = new List<string>();
        foreach (var (path, method, send) in calls)
        {
            using var response = await send();
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var operation = document["paths"]?[path]?[method];
            Assert.True(operation is not null, $"{method} {path} is not documented");
            var documented = operation!["responses"]?[status];
            if (documented is null)
            {
                problems.Add($"{method} {path}: {status} is not documented");
                continue;
            }

            var body = await response.Content.ReadAsStringAsync();
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (body.Length == 0 || mediaType is null || !mediaType.EndsWith("json", StringComparison.Ordinal))
            {
                continue;
            }

            if (documented["content"]?[mediaType]?["schema"] is not { } schema)
            {
                problems.Add($"{method} {path} {status}: no schema for {mediaType}");
                continue;
            }

            using var instance = JsonDocument.Parse(body);
            var result = Schema(document, schema).Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!result.IsValid)
            {
                var errors = (result.Details ?? []).Where(d => d.Errors is not null)
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
                problems.Add($"{method} {path} {status}: {string.Join("; ", errors)} in {body}");
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_document_declares_bearer_tokens_on_exactly_the_operations_that_need_one()
    {
        var document = JsonNode.Parse(await fixture.Stack.Http.GetStringAsync("/openapi/v1.json"))!;
        var scheme = document["components"]?["securitySchemes"]?["Bearer"];
        Assert.Equal("http", (string?)scheme?["type"]);
        Assert.Equal("bearer", (string?)scheme?["scheme"]);

        (string Path, string Method, bool Token)[] expected =
        [
            ("/api/users", "post", false), ("/api/users/confirmations", "post", false), ("/api/users/{id}", "get", false), ("/api/users/{id}", "patch", true),
            ("/api/posts", "post", true), ("/api/posts/{id}", "get", false), ("/api/posts/{id}", "delete", true),
            ("/api/sessions", "post", false), ("/api/feed", "get", true), ("/api/trending", "get", false),
            ("/api/posts/{id}/likes", "put", true), ("/api/users/{id}/following/{targetId}", "put", true),
        ];
        foreach (var (path, method, token) in expected)
        {
            var security = document["paths"]![path]![method]!["security"]?.AsArray();
            var bearer = security?.Any(s => s?["Bearer"] is not null) == true;
            Assert.True(token == bearer, $"{method} {path}: bearer declared {bearer}, needed {token}");
        }
    }

    // The operation's schema with the document's components beside it, so its $refs resolve.
    private static JsonSchema Schema(JsonNode document, JsonNode schema)
    {
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"https://actors.test/{Guid.NewGuid():N}",
            ["$defs"] = document["components"]?["schemas"]?.DeepClone() ?? new JsonObject(),
        };
        foreach (var (name, value) in schema.AsObject())
        {
            root[name] = value?.DeepClone();
        }

        var text = root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        return JsonSchema.FromText(text);
    }
}
