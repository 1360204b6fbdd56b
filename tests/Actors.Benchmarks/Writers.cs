using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;

namespace Actors.Benchmarks;

/// <summary>Signed-up users that write posts through a gateway.</summary>
internal sealed class Writers(Uri gateway, IReadOnlyList<string> tokens)
{
    /// <summary>
    /// Seeds <paramref name="count"/> new accounts (fresh authors, straight into PostgreSQL like the
    /// feed readers: a sign-up now waits for its mail to be confirmed) and logs each in through the gateway.
    /// </summary>
    public static async Task<Writers> LogInAsync(HttpClient http, Uri gateway, NpgsqlDataSource db, int count)
    {
        var tokens = new List<string>();
        foreach (var email in await Seeder.SeedAccountsAsync(db, $"w{Stopwatch.GetTimestamp() % 1_000_000_000:x}_", count))
        {
            using var login = await http.PostAsJsonAsync(new Uri(gateway, "/api/sessions"), new { email, password = Seeder.SeedPassword });
            login.EnsureSuccessStatusCode();
            tokens.Add((await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);
        }

        return new Writers(gateway, tokens);
    }

    /// <summary>The n-th post, by the writers in turn.</summary>
    public HttpRequestMessage NewPost(long n) => NewPost(new Uri(gateway, "/api/posts"), n);

    /// <summary>The n-th post, sent to <paramref name="url"/> (the stateless baseline takes the same request and token).</summary>
    public HttpRequestMessage NewPost(Uri url, long n)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(new { body = $"Benchmark post {n}: a sentence of ordinary length, like people write." }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[(int)(n % tokens.Count)]);
        return request;
    }
}
