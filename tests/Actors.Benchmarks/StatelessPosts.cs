using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using Actors.Grains.Abstractions.Events;
using Actors.Grains.Data;
using Actors.Grains.Posts;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using StackExchange.Redis;

namespace Actors.Benchmarks;

/// <summary>
/// The stateless service a .NET team would build instead of grains, for post writes: the gateway's bearer
/// token validation (same key, issuer, audience, algorithm), the body checked, the post grain's own
/// statement (post row, author counter, outbox event, in one statement) on a pooled connection, then the
/// author's profile deleted from the Redis cache-aside (its post count changed), then 201 with the post.
/// </summary>
internal static class StatelessPosts
{
    private const int MaxBodyLength = 500;

    public static void AddBearerTokens(this IServiceCollection services, IConfiguration configuration)
    {
        var key = configuration["Auth:SigningKey"] ?? throw new InvalidOperationException("Auth:SigningKey is not set.");
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(bearer =>
        {
            bearer.MapInboundClaims = false;
            bearer.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = "actors",
                ValidAudience = "actors-api",
                IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(key)),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
                RequireExpirationTime = true,
            };
        });
        services.AddAuthorization();
    }

    public static void MapStatelessPosts(this WebApplication app, NpgsqlDataSource db, IDatabase cache) =>
        app.MapPost("/stateless/posts", async (PostBody request, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (!Guid.TryParse(user.FindFirstValue(JwtRegisteredClaimNames.Sub), out var author))
            {
                return Results.Unauthorized();
            }

            if (string.IsNullOrWhiteSpace(request.Body) || request.Body.Length > MaxBodyLength)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["1 to 500 characters."] });
            }

            var id = Guid.CreateVersion7();
            var now = DateTimeOffset.UtcNow;
            await using (var connection = await db.OpenConnectionAsync(ct))
            await using (var command = new NpgsqlCommand(PostSql.Insert, connection))
            {
                command.Parameters.Add(Sql.Value("id", id));
                command.Parameters.Add(Sql.Value("author_id", author));
                command.Parameters.Add(Sql.Value("body", request.Body));
                command.Parameters.Add(Sql.Value("now", now));
                OutboxEntry.For(new PostCreated(Guid.CreateVersion7(), id, author, now)).AddParameters(command.Parameters);
                command.Parameters.AddRange(IdempotencySql.Parameters(null));
                await using var reader = await command.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct))
                {
                    return Results.NotFound();
                }
            }

            await cache.KeyDeleteAsync(BaselineServer.ProfileKey(author));
            return Results.Created($"/stateless/posts/{id}", new PostRow(id, author, request.Body, now, 0));
        }).RequireAuthorization();
}

internal sealed record PostBody(string? Body);
