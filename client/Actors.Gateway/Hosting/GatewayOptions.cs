using System.ComponentModel.DataAnnotations;

namespace Actors.Gateway.Hosting;

/// <summary>The gateway's own settings. Bound from the "Gateway" section.</summary>
public sealed class GatewayOptions : IValidatableObject
{
    public const string Section = "Gateway";

    /// <summary>How long a grain call may take before the request fails with 503.</summary>
    public TimeSpan GrainCallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a request whose grain call failed because the cluster lost a silo is held and run again
    /// (when that is safe) while the cluster declares the silo dead and moves its grains; then 503.
    /// </summary>
    public TimeSpan FailoverWindow { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// How often the list of silo gateways is re-read from Redis, so silos that join are used soon, and
    /// connections to a silo declared dead (a frozen one keeps them open) are closed soon.
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Compress JSON responses here; turn off when a proxy in front already does.</summary>
    public bool EnableCompression { get; set; } = true;

    /// <summary>JSON bodies smaller than this go out uncompressed: compressing them costs more than it saves.</summary>
    public int CompressionThresholdBytes { get; set; } = 1024;

    /// <summary>Largest request body accepted (413 beyond).</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Largest avatar upload accepted (413 beyond); every other body keeps <see cref="MaxRequestBodyBytes"/>.</summary>
    public long MaxAvatarBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Largest total size of request headers accepted (431 beyond).</summary>
    public int MaxRequestHeadersBytes { get; set; } = 16 * 1024;

    /// <summary>Seconds a client is told to wait (Retry-After) when a dependency is unavailable.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>
    /// On SIGTERM, how long requests already taken may run to their end (no new connection is accepted
    /// meanwhile) before the rest are cut off and the process exits. Keep an orchestrator's grace period
    /// above it.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A port of its own for /metrics and /health/* (probes, Prometheus), on the same interfaces as the
    /// API; the API does not answer there. Unset: they share the API's port.
    /// </summary>
    public int? ManagementPort { get; set; }

    /// <summary>
    /// A port where the API answers HTTP/2 without TLS (h2c, prior knowledge), for an edge or load
    /// balancer that speaks HTTP/2 to its upstreams. Unset: none. (https URLs in Urls speak HTTP/2 too.)
    /// </summary>
    public int? Http2Port { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ManagementPort is < 1 or > 65535 || Http2Port is < 1 or > 65535)
        {
            yield return new ValidationResult("Gateway:ManagementPort and Gateway:Http2Port must be port numbers (1 to 65535).", [nameof(ManagementPort), nameof(Http2Port)]);
        }

        if (GrainCallTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Gateway:GrainCallTimeout must be above zero.", [nameof(GrainCallTimeout)]);
        }

        if (FailoverWindow < TimeSpan.Zero)
        {
            yield return new ValidationResult("Gateway:FailoverWindow must be zero or more.", [nameof(FailoverWindow)]);
        }

        if (GatewayListRefreshPeriod <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Gateway:GatewayListRefreshPeriod must be above zero.", [nameof(GatewayListRefreshPeriod)]);
        }

        if (CompressionThresholdBytes < 0)
        {
            yield return new ValidationResult("Gateway:CompressionThresholdBytes must be zero or more.", [nameof(CompressionThresholdBytes)]);
        }

        if (MaxRequestBodyBytes < 1 || MaxAvatarBytes < 1 || MaxRequestHeadersBytes < 1)
        {
            yield return new ValidationResult("Gateway:MaxRequestBodyBytes, MaxAvatarBytes and MaxRequestHeadersBytes must be at least 1.", [nameof(MaxRequestBodyBytes), nameof(MaxAvatarBytes), nameof(MaxRequestHeadersBytes)]);
        }

        if (RetryAfterSeconds < 1)
        {
            yield return new ValidationResult("Gateway:RetryAfterSeconds must be at least 1.", [nameof(RetryAfterSeconds)]);
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            yield return new ValidationResult("Gateway:ShutdownTimeout must be zero or more.", [nameof(ShutdownTimeout)]);
        }
    }
}
