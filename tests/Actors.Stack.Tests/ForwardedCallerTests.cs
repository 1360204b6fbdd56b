using System.Net;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>
/// Rate limits key on the caller a trusted proxy names, and on the sender itself otherwise. Every
/// request here comes from 127.0.0.1, which the gateway trusts by default as a local proxy.
/// </summary>
[Collection(TightLimitsGroup.Name)]
public sealed class ForwardedCallerTests(TightLimitsFixture fixture)
{
    private const int Bucket = 30; // RateLimit__PermitLimit of the tight-limits stack, one token a minute

    [Fact]
    public async Task Callers_a_trusted_proxy_names_get_buckets_of_their_own()
    {
        var http = fixture.Stack.Http;
        for (var i = 0; i < Bucket; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Status(http, "X-Forwarded-For", "203.0.113.10"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(http, "X-Forwarded-For", "203.0.113.10"));
        // Another caller behind the same proxy, by either header, and the same caller by RFC 7239.
        Assert.Equal(HttpStatusCode.OK, await Status(http, "X-Forwarded-For", "203.0.113.11"));
        Assert.Equal(HttpStatusCode.OK, await Status(http, "Forwarded", "for=\"[2001:db8::17]:4711\";proto=https"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(http, "Forwarded", "for=203.0.113.10"));
    }

    [Fact]
    public async Task An_untrusted_sender_s_forwarded_header_is_ignored()
    {
        // The same limits, but this gateway trusts no proxy at all: 127.0.0.1 is just a caller.
        var http = await fixture.Stack.StartExtraGatewayAsync(new Dictionary<string, string> { ["Proxy__TrustLoopback"] = "false" });
        for (var i = 0; i < Bucket; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Status(http, "X-Forwarded-For", $"198.51.100.{i + 1}"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(http, "X-Forwarded-For", "198.51.100.200"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(http, "Forwarded", "for=198.51.100.201"));
    }

    [Fact]
    public async Task Log_ins_from_one_address_are_throttled_whatever_the_emails()
    {
        // RateLimit__LoginPerAddressPermitLimit is 20 on this stack; every email is new, so no account bucket fills.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 21; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/sessions")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { email = $"{Guid.NewGuid():N}@example.test", password = "sprayed password" }),
            };
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", "192.0.2.77");
            using var response = await fixture.Stack.Http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses.Take(20), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[20]);
    }

    private static async Task<HttpStatusCode> Status(HttpClient http, string header, string value)
    {
        using var response = await http.GetWith("/api/users?limit=1", header, value);
        return response.StatusCode;
    }
}
