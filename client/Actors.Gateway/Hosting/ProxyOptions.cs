using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Actors.Gateway.Hosting;

/// <summary>
/// Which senders may say who the caller is (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c> or RFC 7239
/// <c>Forwarded</c>). Bound from the "Proxy" section. A header from anyone else is ignored, so rate
/// limits key on the real caller behind a trusted edge and on the sender's own address otherwise.
/// </summary>
public sealed class ProxyOptions : IValidatableObject
{
    public const string Section = "Proxy";

    /// <summary>Trust loopback senders (a proxy on the same host, as in the local stack), as ASP.NET Core does by default.</summary>
    public bool TrustLoopback { get; set; } = true;

    /// <summary>Networks of trusted proxies in CIDR form, e.g. the ingress controller's pod network "10.42.0.0/16".</summary>
    public List<string> TrustedNetworks { get; set; } = [];

    /// <summary>How many proxy hops to unwind from the right of the header (one per trusted proxy in the path).</summary>
    public int ForwardLimit { get; set; } = 1;

    public IEnumerable<IPNetwork> Networks()
    {
        if (TrustLoopback)
        {
            yield return new IPNetwork(IPAddress.Loopback, 8);
            yield return new IPNetwork(IPAddress.IPv6Loopback, 128);
        }

        foreach (var network in TrustedNetworks)
        {
            if (IPNetwork.TryParse(network, out var parsed))
            {
                yield return parsed;
            }
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in TrustedNetworks)
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                yield return new ValidationResult($"Proxy:TrustedNetworks has \"{network}\", which is not a network in CIDR form (address/prefix).", [nameof(TrustedNetworks)]);
            }
        }

        if (ForwardLimit < 1)
        {
            yield return new ValidationResult("Proxy:ForwardLimit must be at least 1.", [nameof(ForwardLimit)]);
        }
    }
}
