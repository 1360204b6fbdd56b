using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Actors.Benchmarks;

/// <summary>Signed-up users that write posts through a gateway.</summary>
internal sealed class Writers(Uri gateway, IReadOnlyList<string> tokens)
{
    /// <summary>Signs up <paramref name="count"/> new users and logs each in.</summary>
    public static async Task<Writers> SignUpAsync(HttpClient http, Uri gateway, int count)
    {
        var tokens = new List<string>();
        var run = Stopwatch.GetTimestamp() % 1_000_000_000;
        for (var i = 0; i < count; i++)
        {
            var handle = $"w{run:x}_{i}";
            (await http.PostAsJsonAsync(new Uri(gateway, "/api/users"),
                new { handle, email = $"{handle}@bench.test", displayName = "Writer", password = "benchmark password" })).EnsureSuccessStatusCode();
            using var login = await http.PostAsJsonAsync(new Uri(gateway, "/api/sessions"), new { email = $"{handle}@bench.test", password = "benchmark password" });
            login.EnsureSuccessStatusCode();
            tokens.Add((await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);
        }

        return new Writers(gateway, tokens);
    }

    /// <summary>The n-th post, by the writers in turn.</summary>
    public HttpRequestMessage NewPost(long n)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/api/posts"))
        {
            Content = JsonContent.Create(new { body = $"Benchmark post {n}: a sentence of ordinary length, like people write." }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[(int)(n % tokens.Count)]);
        return request;
    }
}
