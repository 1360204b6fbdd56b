using System.ComponentModel.DataAnnotations;

namespace Actors.Silo;

/// <summary>Where this silo lives in the cluster. Bound from the "Silo" section.</summary>
public sealed class SiloHostOptions
{
    public const string Section = "Silo";

    /// <summary>Unique name of this silo (Kubernetes: the pod name). Defaults to machine name and port.</summary>
    public string? Name { get; set; }

    /// <summary>The address other silos and clients use to reach this one (Kubernetes: the pod IP).</summary>
    [Required]
    public string AdvertisedIP { get; set; } = "127.0.0.1";

    /// <summary>Listen on every interface instead of only the advertised address (containers).</summary>
    public bool ListenOnAnyAddress { get; set; }

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>How long an idle activation stays in memory before it is collected.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Under memory pressure the silo deactivates its least recently used activations: from this share
    /// of the memory available to the process (the container's limit in Kubernetes) ...
    /// </summary>
    [Range(10, 99)]
    public double MemoryLimitPercentage { get; set; } = 80;

    /// <summary>... down to this share.</summary>
    [Range(5, 98)]
    public double MemoryTargetPercentage { get; set; } = 70;

    /// <summary>
    /// Grain locations this silo remembers (least recently used go first). Orleans' default, a million,
    /// would hold hundreds of megabytes (about 700 bytes an entry), and entries of deactivated grains
    /// stay until evicted: reads of many ids would fill it.
    /// </summary>
    [Range(1_000, 10_000_000)]
    public int DirectoryCacheSize { get; set; } = 100_000;

    /// <summary>How often the silo checks its own readiness (PostgreSQL, membership), probed or not.</summary>
    public TimeSpan HealthCheckPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a stream message stays in the silo's stream cache once newer ones have arrived. (Orleans
    /// keeps 30 minutes by default, which under sustained writes holds the last half hour of events in
    /// memory.) Outbox deliveries are made durable by the outbox, not by the cache: a consumer further
    /// behind than this skips ahead to the newest message, and the events it skipped come back when their
    /// leases run out. Above Outbox:Lease that costs nothing, since such events have been handed out
    /// again already; below it, they are late by up to a lease. View batches have no outbox: a view
    /// aggregator that far behind loses them, within the bounded loss views are allowed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan StreamCacheRetention { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Serve the Orleans Dashboard at /dashboard on the silo's HTTP port.</summary>
    public bool EnableDashboard { get; set; }

    /// <summary>Time given to a graceful shutdown (hand over activations, leave the cluster).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
