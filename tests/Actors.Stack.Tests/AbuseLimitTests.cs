using System.Net;
using System.Text;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

[Collection(TightLimitsGroup.Name)]
public sealed class AbuseLimitTests(TightLimitsFixture fixture)
{
    private Deployment Stack => fixture.Stack;

    [Fact]
    public async Task A_caller_gets_429_with_retry_after_once_the_bucket_is_empty_and_other_callers_do_not()
    {
        var (id, client, _) = await Stack.NewUserAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            using var response = await client.GetAsync($"/api/users/{id}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("rate_limited", await response.ProblemCode(HttpStatusCode.TooManyRequests));
                Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            }
        }

        // The bucket holds 30 tokens and refills one a minute.
        Assert.Equal(30, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.All(statuses.Skip(30), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        var (otherId, other, _) = await Stack.NewUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync($"/api/users/{otherId}")).StatusCode);
    }

    [Fact]
    public async Task Repeated_log_ins_to_one_account_are_throttled()
    {
        var (_, _, email) = await Stack.NewUserAsync(); // one log-in used
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await Stack.Http.PostJson("/api/sessions", new { email, password = "wrong password!" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var (_, client, _) = await Stack.NewUserAsync();
        var huge = new StringContent($"{{\"body\":\"{new string('x', 100_000)}\"}}", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/api/posts", huge);

        Assert.Equal("payload_too_large", await response.ProblemCode(HttpStatusCode.RequestEntityTooLarge));
    }

    [Fact]
    public async Task Headers_over_the_limit_are_a_431()
    {
        using var http = new HttpClient { BaseAddress = Stack.Http.BaseAddress };
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/users");
        request.Headers.TryAddWithoutValidation("X-Padding", new string('a', 40_000));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }
}
