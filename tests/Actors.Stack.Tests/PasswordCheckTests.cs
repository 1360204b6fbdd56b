using System.Net;
using Actors.Grains.Abstractions.Users;
using Actors.Stack.Tests.Infrastructure;
using Npgsql;

namespace Actors.Stack.Tests;

/// <summary>Log-in's password checks: their cost, their limit, and where the stored hash stays.</summary>
[Collection(StackGroup.Name)]
public sealed class PasswordCheckTests(StackFixture fixture)
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task A_stored_hash_cheaper_than_today_s_cost_is_upgraded_at_the_next_successful_log_in()
    {
        var (id, _, email) = await fixture.Stack.NewUserAsync(); // hashed at 10,000 iterations
        var dearer = await fixture.Stack.StartExtraGatewayAsync(new Dictionary<string, string> { ["Auth__PasswordIterations"] = "20000" });

        using (var wrong = await dearer.PostJson("/api/sessions", new { email, password = "not the password" }))
        {
            Assert.Equal("invalid_credentials", await wrong.ProblemCode(HttpStatusCode.Unauthorized));
        }

        Assert.Equal(10_000, (await Stored(id)).Iterations);
        using (var right = await dearer.PostJson("/api/sessions", new { email, password = Password }))
        {
            Assert.Equal(id, (await right.Json(HttpStatusCode.OK)).GetProperty("userId").GetGuid());
        }

        Assert.Equal(20_000, (await Stored(id)).Iterations);
        // The upgraded hash still opens the account, from any gateway.
        using var again = await fixture.Stack.Http.PostJson("/api/sessions", new { email, password = Password });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Password_checks_beyond_the_gateway_s_hashing_slots_are_shed_with_503_and_retry_after()
    {
        // One slot, no queue, and a slow hash: concurrent log-ins cannot all get a slot.
        var gateway = await fixture.Stack.StartExtraGatewayAsync(new Dictionary<string, string>
        {
            ["Auth__PasswordIterations"] = "3000000",
            ["Auth__MaxConcurrentHashes"] = "1",
            ["Auth__HashQueueLimit"] = "0",
        });

        var attempts = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var response = await gateway.PostJson("/api/sessions", new { email = $"{Guid.NewGuid():N}@example.test", password = "some password" });
            return (response.StatusCode, response.Headers.RetryAfter?.Delta,
                Code: response.StatusCode == HttpStatusCode.ServiceUnavailable ? await response.ProblemCode(HttpStatusCode.ServiceUnavailable) : null);
        }).ToList();
        var answers = await Task.WhenAll(attempts);

        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Unauthorized);
        var shed = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(shed);
        Assert.All(shed, a => Assert.Equal("server_busy", a.Code));
        Assert.All(shed, a => Assert.True(a.Delta >= TimeSpan.FromSeconds(1)));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.ServiceUnavailable, $"{a.StatusCode}"));
    }

    [Fact]
    public void No_grain_method_answers_a_stored_password_hash()
    {
        // Any Orleans client could call these: what they answer must not carry a stored hash.
        var leaks = typeof(IUserGrain).Assembly.GetTypes()
            .Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t))
            .SelectMany(t => t.GetMethods().Select(m => (Method: $"{t.Name}.{m.Name}", Carried: Carried(m.ReturnType, []))))
            .Where(m => m.Carried.Any(p => p.Contains("password", StringComparison.OrdinalIgnoreCase) && p.Contains("hash", StringComparison.OrdinalIgnoreCase)))
            .Select(m => m.Method)
            .ToList();

        Assert.Empty(leaks);
    }

    // The names of every property a value of this type carries, transitively.
    private static IEnumerable<string> Carried(Type type, HashSet<Type> seen)
    {
        if (!seen.Add(type) || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true && !type.IsGenericType)
        {
            yield break;
        }

        foreach (var argument in type.GetGenericArguments())
        {
            foreach (var name in Carried(argument, seen))
            {
                yield return name;
            }
        }

        if (type.Namespace?.StartsWith("Actors", StringComparison.Ordinal) != true)
        {
            yield break;
        }

        foreach (var property in type.GetProperties())
        {
            yield return $"{type.Name}.{property.Name}";
            foreach (var name in Carried(property.PropertyType, seen))
            {
                yield return name;
            }
        }
    }

    private async Task<StoredPassword> Stored(Guid id)
    {
        await using var db = NpgsqlDataSource.Create(fixture.Stack.Postgres);
        await using var command = db.CreateCommand("SELECT password_hash FROM users WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        Assert.True(StoredPassword.TryParse((string?)await command.ExecuteScalarAsync(), out var stored));
        return stored;
    }
}
