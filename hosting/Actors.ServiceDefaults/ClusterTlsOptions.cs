using System.Security.Cryptography.X509Certificates;

namespace Actors.ServiceDefaults;

/// <summary>
/// Mutual TLS between silos and between gateways and silos. Bound from the "ClusterTls" section. On
/// when <see cref="CertificatePath"/> is set: every connection then presents this process's certificate
/// and accepts only a peer whose certificate the cluster's authority signed.
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string Section = "ClusterTls";

    /// <summary>This process's certificate, PEM (a Kubernetes TLS Secret's tls.crt). Needs both server and client authentication usages.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Its private key, PEM (tls.key).</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// The cluster's certificate authority, PEM (ca.crt): the issuer a peer's certificate must chain to.
    /// Several certificates in the file are all trusted (while moving to a new authority).
    /// </summary>
    public string? AuthorityPath { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(CertificatePath);

    public X509Certificate2 LoadCertificate() => X509Certificate2.CreateFromPemFile(CertificatePath!, KeyPath);

    public X509Certificate2Collection LoadAuthorities()
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(AuthorityPath ?? throw new InvalidOperationException("ClusterTls:AuthorityPath is not set."));
        return authorities.Count > 0 ? authorities : throw new InvalidOperationException("ClusterTls:AuthorityPath holds no certificate.");
    }
}
