using Actors.Testing;
using Npgsql;

namespace Actors.Benchmarks;

/// <summary>Numbers a run measures besides request rates and latencies.</summary>
internal sealed class Findings
{
    /// <summary>Share of near-cache lookups served from the gateway during the closed-loop hot profile read.</summary>
    public double? HitRatio { get; set; }

    /// <summary>PostgreSQL transactions per post written, the outbox relay and fan-out included.</summary>
    public double? TransactionsPerPost { get; set; }

    /// <summary>Managed heap one post costs in the gateway's near cache.</summary>
    public double? BytesPerNearCacheEntry { get; set; }

    /// <summary>What 100,000 one-time post reads left in the silos through a gateway with admission off.</summary>
    public KeptByReads? OneTimeReadsWithoutAdmission { get; set; }

    /// <summary>The same through the bench gateway, admission on.</summary>
    public KeptByReads? OneTimeReads { get; set; }
}

/// <summary>The gateway's near-cache lookups by result, as its /metrics counts them.</summary>
internal sealed record NearCacheLookups(double Hits, double Misses, double Renewals, double Cold)
{
    public const string Metric = "actors_nearcache_lookups_total";

    public double HitRatioSince(NearCacheLookups before)
    {
        var hits = Hits - before.Hits;
        var all = hits + (Misses - before.Misses) + (Renewals - before.Renewals) + (Cold - before.Cold);
        return all > 0 ? hits / all : double.NaN;
    }
}

/// <summary>
/// PostgreSQL's count of transactions in the benchmark's database and the posts in it, read once the
/// outbox has no event left to relay or fan out, and once backends have reported their counts
/// (PostgreSQL gathers them with a delay of up to 10 s for an idle connection): so the difference
/// over a write run is everything those writes cost, the background work they caused included, and
/// also whatever else ran meanwhile (health checks, the outbox monitor), which makes it an upper bound.
/// </summary>
internal sealed record Transactions(long Count, long Posts)
{
    private static readonly TimeSpan StatisticsDelay = TimeSpan.FromSeconds(11);

    public static async Task<Transactions> ReadAsync(NpgsqlDataSource db)
    {
        for (var i = 0; i < 120 && await Rows.ScalarAsync<long>(db, "SELECT count(*) FROM outbox WHERE processed_at IS NULL AND dead_lettered_at IS NULL") > 0; i++)
        {
            await Task.Delay(500);
        }

        await Task.Delay(StatisticsDelay);
        return new Transactions(
            await Rows.ScalarAsync<long>(db, "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"),
            await Rows.ScalarAsync<long>(db, "SELECT count(*) FROM posts"));
    }

    public double PerPostSince(Transactions before) =>
        Posts > before.Posts ? (Count - before.Count) / (double)(Posts - before.Posts) : double.NaN;
}
