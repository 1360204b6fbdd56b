using Npgsql;

namespace Actors.Benchmarks;

/// <summary>
/// A realistic data set, written straight into PostgreSQL in a few set-based statements (going
/// through the API would spend minutes hashing passwords): 10,000 users, 100,000 posts whose authors
/// follow a long tail (a few prolific, most occasional), and a follower graph where a few accounts are
/// followed by thousands and most by a handful. Counters are computed from the rows. Idempotent.
/// </summary>
internal static class Seeder
{
    public const int Users = 10_000;
    public const int Posts = 100_000;
    public const string HandlePrefix = "seed_";

    public static async Task SeedAsync(NpgsqlDataSource db)
    {
        await using (var count = db.CreateCommand($"SELECT count(*) FROM users WHERE handle LIKE '{HandlePrefix}%'"))
        {
            if ((long)(await count.ExecuteScalarAsync())! >= Users)
            {
                Console.WriteLine("data set already seeded");
                return;
            }
        }

        Console.WriteLine($"seeding {Users:N0} users, {Posts:N0} posts and a follower graph ...");
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"""
            CREATE TEMP TABLE seed (n int PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
            INSERT INTO seed SELECT n, gen_random_uuid() FROM generate_series(1, {Users}) n;
            INSERT INTO users (id, handle, email, display_name, bio, password_hash, created_at, updated_at)
            SELECT id, '{HandlePrefix}' || n, '{HandlePrefix}' || n || '@seed.test', 'Seeded user ' || n,
                   'Benchmark account number ' || n || '.', 'pbkdf2-sha256$1$c2VlZA==$c2VlZA==',
                   now() - make_interval(days => n % 365), now() - make_interval(days => n % 365)
            FROM seed;
            -- Authors drawn from a power law: user 1 writes thousands of posts, most write a few.
            -- (random() in a subquery's select list, so it is drawn once per post, not per join pair.)
            INSERT INTO posts (id, author_id, body, created_at)
            SELECT gen_random_uuid(), s.id, 'Seeded post ' || p.g || ': an ordinary sentence of an ordinary length, like most posts.',
                   now() - make_interval(secs => p.g * 30)
            FROM (SELECT g, 1 + floor({Users} * power(random(), 3))::int AS author FROM generate_series(1, {Posts}) g) p
            JOIN seed s ON s.n = p.author;
            -- Everyone follows 1 to 60 accounts, chosen with a strong bias to the first (popular) ones.
            INSERT INTO follows (follower_id, followee_id, created_at)
            SELECT DISTINCT f.id, e.id, now()
            FROM seed f
            CROSS JOIN LATERAL (
                SELECT 1 + floor({Users} * power(random(), 4))::int AS target
                FROM generate_series(1, 1 + (f.n * 7919) % 60)) t
            JOIN seed e ON e.n = t.target
            WHERE e.id <> f.id
            ON CONFLICT DO NOTHING;
            UPDATE users u SET
                post_count = (SELECT count(*) FROM posts p WHERE p.author_id = u.id),
                follower_count = (SELECT count(*) FROM follows f WHERE f.followee_id = u.id),
                following_count = (SELECT count(*) FROM follows f WHERE f.follower_id = u.id),
                stats_version = stats_version + 1
            WHERE u.id IN (SELECT id FROM seed);
            ANALYZE users; ANALYZE posts; ANALYZE follows;
            """, connection, transaction);
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    public const int FeedReaders = 2_000;
    public const int FeedFollows = 100;
    public const string ReaderPrefix = "reader_";
    public const string SeedPassword = "benchmark reader";

    /// <summary>
    /// Feed readers: accounts that each follow exactly 100 of the 3,000 most prolific authors, so every
    /// feed page is full. They can log in: their password hash has the stored format the gateway
    /// verifies, at a low iteration count so 2,000 log-ins take seconds. Idempotent.
    /// </summary>
    public static async Task SeedFeedReadersAsync(NpgsqlDataSource db)
    {
        await using (var count = db.CreateCommand($"SELECT count(*) FROM users WHERE handle LIKE '{ReaderPrefix}%'"))
        {
            if ((long)(await count.ExecuteScalarAsync())! >= FeedReaders)
            {
                return;
            }
        }

        Console.WriteLine($"seeding {FeedReaders:N0} feed readers following {FeedFollows} authors each ...");
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var hashed = SeedPasswordHash();
        string[] statements =
        [
            $"CREATE TEMP TABLE readers (n int PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP",
            $"INSERT INTO readers SELECT n, gen_random_uuid() FROM generate_series(1, {FeedReaders}) n",
            $"""
            INSERT INTO users (id, handle, email, display_name, password_hash, created_at, updated_at)
            SELECT id, '{ReaderPrefix}' || n, '{ReaderPrefix}' || n || '@seed.test', 'Feed reader ' || n, $1, now(), now()
            FROM readers
            """,
            $"""
            INSERT INTO follows (follower_id, followee_id, created_at)
            SELECT r.id, a.id, now()
            FROM readers r
            CROSS JOIN LATERAL (
                SELECT id FROM (SELECT id FROM users WHERE handle LIKE '{HandlePrefix}%' ORDER BY post_count DESC, id LIMIT 3000) top
                ORDER BY md5(r.id::text || top.id::text) LIMIT {FeedFollows}) a
            """,
            """
            UPDATE users u SET
                follower_count = (SELECT count(*) FROM follows f WHERE f.followee_id = u.id),
                following_count = (SELECT count(*) FROM follows f WHERE f.follower_id = u.id),
                stats_version = stats_version + 1
            WHERE u.id IN (SELECT id FROM readers) OR u.id IN (SELECT followee_id FROM follows f JOIN readers r ON r.id = f.follower_id)
            """,
            "ANALYZE users",
            "ANALYZE follows",
        ];
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 600 };
            if (sql.Contains("$1", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = hashed });
            }

            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    // The stored format the gateway verifies, at a low iteration count so thousands of log-ins take seconds.
    private static string SeedPasswordHash()
    {
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        var hash = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(SeedPassword, salt, 1000,
            System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256$1000${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>
    /// <paramref name="count"/> new accounts with no posts and no follows, handles <paramref name="prefix"/>0, 1, ...;
    /// they log in with <see cref="SeedPassword"/>. Answers their emails.
    /// </summary>
    public static async Task<List<string>> SeedAccountsAsync(NpgsqlDataSource db, string prefix, int count)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO users (id, handle, email, display_name, password_hash, created_at, updated_at)
            SELECT gen_random_uuid(), $1 || n, $1 || n || '@bench.test', 'Writer ' || n, $2, now(), now()
            FROM generate_series(0, $3 - 1) n
            RETURNING email
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SeedPasswordHash() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        var emails = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            emails.Add(reader.GetString(0));
        }

        return emails;
    }

    /// <summary>The feed readers' ids and emails, in seed order.</summary>
    public static async Task<List<(Guid Id, string Email)>> FeedReadersAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand($"SELECT id, email FROM users WHERE handle LIKE '{ReaderPrefix}%' ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var readers = new List<(Guid, string)>();
        while (await reader.ReadAsync())
        {
            readers.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        return readers;
    }

    public static async Task<List<Guid>> PostIdsAsync(NpgsqlDataSource db, int count)
    {
        await using var command = db.CreateCommand("SELECT id FROM posts LIMIT $1");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>(count);
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>Ids of seeded users, in seed order (most prolific first).</summary>
    public static async Task<List<Guid>> UserIdsAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand($"SELECT id FROM users WHERE handle LIKE '{HandlePrefix}%' ORDER BY post_count DESC, id");
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
