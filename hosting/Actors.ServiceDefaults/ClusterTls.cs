using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;

namespace Actors.ServiceDefaults;

/// <summary>
/// Turns on mutual TLS for a silo or a cluster client when "ClusterTls" is configured. A peer must
/// present a certificate that chains to the cluster's own authority (not the system's trust store);
/// names are not checked, since silos are reached by address. Without a valid certificate, a silo
/// refuses the connection during the handshake, before any Orleans message is read.
/// </summary>
public static class ClusterTls
{
    public static ISiloBuilder UseActorsClusterTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (Settings(configuration) is { } tls)
        {
            var authorities = tls.LoadAuthorities();
            silo.UseTls(tls.LoadCertificate(), o => Configure(o, authorities));
        }

        return silo;
    }

    public static IClientBuilder UseActorsClusterTls(this IClientBuilder client, IConfiguration configuration)
    {
        if (Settings(configuration) is { } tls)
        {
            var authorities = tls.LoadAuthorities();
            client.UseTls(tls.LoadCertificate(), o => Configure(o, authorities));
        }

        return client;
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="authorities"/> and is valid now.</summary>
    public static bool IssuedBy(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate) && authorities.Contains(chain.ChainElements[^1].Certificate);
    }

    private static ClusterTlsOptions? Settings(IConfiguration configuration) =>
        configuration.GetSection(ClusterTlsOptions.Section).Get<ClusterTlsOptions>() is { Enabled: true } tls ? tls : null;

    private static void Configure(TlsOptions options, X509Certificate2Collection authorities)
    {
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Only the chain matters: the system's trust store does not know the cluster's authority, and
        // peers are addressed by IP, so name and untrusted-root errors are expected and ignored.
        options.RemoteCertificateValidation = (certificate, _, errors) =>
            (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0 && IssuedBy(certificate, authorities);
    }
}
