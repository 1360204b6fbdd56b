using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

namespace Actors.Benchmarks;

/// <summary>
/// The baselines, served by a process of their own so they pay what the gateway pays (HTTP, Kestrel,
/// a separate process): /kestrel/users/{id} answers the profile JSON from a dictionary filled at start
/// (the ceiling for HTTP on this machine); /redis/users/{id} is the cache-aside service a .NET team
/// would build instead (read Redis; on a miss read PostgreSQL and set Redis, so Redis is the one,
/// coherent cache); /postgres/users/{id} and /postgres/posts/{id} run a pooled, prepared query per
/// request and serialize the row; /postgres/feed/{readerId} assembles a home feed page with one
/// statement per request; POST /stateless/posts is the stateless write service (<see cref="StatelessPosts"/>).
/// </summary>
internal static class BaselineServer
{
    private const string ProfileSql = """
        SELECT id, handle, display_name, bio, follower_count, following_count, post_count, created_at, updated_at
        FROM users WHERE id = $1
        """;

    private const string PostSql = "SELECT id, author_id, body, created_at, like_count FROM posts WHERE id = $1";

    private static readonly TimeSpan CacheTtl = TimeSpan.FromMinutes(5);

    // The best single statement for a home feed page: per followee a walk of posts_author_recent_idx
    // that stops after 20 rows, merged, cut to 20, then the 20 authors joined.
    private const string FeedSql = """
        WITH page AS (
            SELECT p.id, p.author_id, p.body, p.like_count, p.created_at
            FROM follows f
            CROSS JOIN LATERAL (
                SELECT id, author_id, body, like_count, created_at FROM posts
                WHERE author_id = f.followee_id ORDER BY created_at DESC, id DESC LIMIT 20
            ) p
            WHERE f.follower_id = $1
            ORDER BY p.created_at DESC, p.id DESC
            LIMIT 20
        )
        SELECT page.id, page.author_id, page.body, page.like_count, page.created_at, u.handle, u.display_name
        FROM page JOIN users u ON u.id = page.author_id
        ORDER BY page.created_at DESC, page.id DESC
        """;

    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Default));
        builder.Services.AddBearerTokens(builder.Configuration);
        var connectionString = builder.Configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not set.");
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
        // As the silos run it: no session state to reset when a connection goes back to the pool.
        dataSourceBuilder.ConnectionStringBuilder.NoResetOnClose = true;
        await using var db = dataSourceBuilder.Build();

        // The same bytes the gateway would send for each hot user, computed once.
        var hot = new Dictionary<Guid, byte[]>();
        foreach (var id in (await File.ReadAllLinesAsync(builder.Configuration["HotIds"]!)).Select(Guid.Parse))
        {
            hot[id] = (await ReadProfile(db, id, CancellationToken.None))!;
        }

        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(
            builder.Configuration.GetConnectionString("Redis") ?? throw new InvalidOperationException("ConnectionStrings:Redis is not set."));
        var cache = redis.GetDatabase();

        var app = builder.Build();
        app.MapGet("/kestrel/users/{id:guid}", (Guid id) =>
            hot.TryGetValue(id, out var bytes) ? Results.Bytes(bytes, "application/json") : Results.NotFound());
        app.MapGet("/postgres/users/{id:guid}", async (Guid id, CancellationToken ct) =>
            await ReadProfile(db, id, ct) is { } bytes ? Results.Bytes(bytes, "application/json") : Results.NotFound());
        app.MapGet("/redis/users/{id:guid}", async (Guid id, CancellationToken ct) =>
        {
            var key = ProfileKey(id);
            var cached = await cache.StringGetAsync(key);
            if (cached.HasValue)
            {
                return Results.Bytes((byte[])cached!, "application/json");
            }

            if (await ReadProfile(db, id, ct) is not { } bytes)
            {
                return Results.NotFound();
            }

            await cache.StringSetAsync(key, bytes, CacheTtl);
            return Results.Bytes(bytes, "application/json");
        });
        app.MapStatelessPosts(db, cache);
        app.MapGet("/postgres/posts/{id:guid}", async (Guid id, CancellationToken ct) =>
            await ReadPost(db, id, ct) is { } bytes ? Results.Bytes(bytes, "application/json") : Results.NotFound());
        app.MapGet("/postgres/feed/{id:guid}", async (Guid id, CancellationToken ct) =>
            Results.Bytes(await ReadFeed(db, id, ct), "application/json"));
        // How long this process has spent compiling, in the services' metric format: warm-ups last until it stops growing.
        app.MapGet("/metrics", () => Results.Text(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Exposition.JitSeconds} {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds}\n")));
        await app.RunAsync();
    }

    /// <summary>The Redis key of a cached profile.</summary>
    public static string ProfileKey(Guid id) => $"bench:user:{id}";

    private static async Task<byte[]> ReadFeed(NpgsqlDataSource db, Guid reader, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(FeedSql, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = reader });
        await command.PrepareAsync(ct);
        await using var rows = await command.ExecuteReaderAsync(ct);
        var items = new List<FeedItem>(20);
        while (await rows.ReadAsync(ct))
        {
            items.Add(new FeedItem(rows.GetGuid(0), rows.GetGuid(1), rows.GetString(2), rows.GetInt32(3),
                rows.GetFieldValue<DateTimeOffset>(4), new Author(rows.GetGuid(1), rows.GetString(5), rows.GetString(6))));
        }

        return JsonSerializer.SerializeToUtf8Bytes(new FeedPage(items, null), BaselineJson.Default.FeedPage);
    }

    private static async Task<byte[]?> ReadPost(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(PostSql, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await command.PrepareAsync(ct);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? JsonSerializer.SerializeToUtf8Bytes(
                new PostRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4)),
                BaselineJson.Default.PostRow)
            : null;
    }

    private static async Task<byte[]?> ReadProfile(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(ProfileSql, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await command.PrepareAsync(ct); // prepared once per physical connection, then reused
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var profile = new Profile(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6),
            reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8));
        return JsonSerializer.SerializeToUtf8Bytes(profile, BaselineJson.Default.Profile);
    }
}

internal sealed record Profile(
    Guid Id, string Handle, string DisplayName, string Bio, int Followers, int Following, int Posts,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed record PostRow(Guid Id, Guid AuthorId, string Body, DateTimeOffset CreatedAt, int Likes);

internal sealed record Author(Guid Id, string Handle, string DisplayName);

internal sealed record FeedItem(Guid Id, Guid AuthorId, string Body, int Likes, DateTimeOffset CreatedAt, Author Author);

internal sealed record FeedPage(IReadOnlyList<FeedItem> Items, string? NextCursor);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Profile))]
[JsonSerializable(typeof(FeedPage))]
[JsonSerializable(typeof(PostRow))]
[JsonSerializable(typeof(PostBody))]
internal sealed partial class BaselineJson : JsonSerializerContext;
