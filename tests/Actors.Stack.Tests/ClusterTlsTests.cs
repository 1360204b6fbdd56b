using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>
/// Silos and gateways of a stack with mutual TLS on: they serve as usual, and a client that cannot show
/// a certificate of the cluster's authority is refused at the handshake, before any Orleans message.
/// </summary>
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private Deployment? _stack;

    private Deployment Stack => _stack ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _stack = await Deployment.StartAsync(silos: 2, clusterTls: true);

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    [Fact]
    public async Task Members_with_the_cluster_s_certificate_serve_and_join()
    {
        // The gateway reached a silo, and users land on both silos, which talk to each other.
        for (var i = 0; i < 10; i++)
        {
            var (id, client, _) = await Stack.NewUserAsync();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/users/{id}")).StatusCode);
        }

        await using var member = await ClusterClient.ConnectAsync(Stack);
        Assert.Equal(2, (await member.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count);
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused()
    {
        Assert.True(await Admitted(ClientCertificate(TestEnvironment.TlsDirectory)), "a member's certificate is admitted");
        Assert.False(await Admitted(null), "a client without a certificate was admitted");
    }

    [Fact]
    public async Task A_client_whose_certificate_another_authority_signed_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("actors-foreign-tls").FullName;
        try
        {
            ForeignMember(dir);
            Assert.False(await Admitted(ClientCertificate(dir)), "a certificate of another authority was admitted");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static X509Certificate2 ClientCertificate(string dir) =>
        X509Certificate2.CreateFromPemFile(Path.Combine(dir, "tls.crt"), Path.Combine(dir, "tls.key"));

    // A TLS handshake with the silo's client port, as an Orleans client starts one: admitted when the
    // silo keeps the connection open afterwards, waiting for the Orleans preamble.
    private async Task<bool> Admitted(X509Certificate2? certificate)
    {
        var authority = TestEnvironment.TlsAuthority();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Stack.SiloGatewayEndpoint(0));
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false,
            (_, server, _, _) => server is X509Certificate2 s && ServiceDefaults.ClusterTls.IssuedBy(s, authority));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "actors-cluster-member",
                ClientCertificates = certificate is null ? [] : [certificate],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            });
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return false;
        }

        return await StaysOpen(tls);
    }

    // Whether the peer keeps the connection for 3 s without closing or failing it.
    private static async Task<bool> StaysOpen(Stream stream)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            return await stream.ReadAsync(new byte[1], wait.Token) > 0;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return false;
        }
    }

    // A certificate authority of its own and a member certificate it signed, with the right usages:
    // everything a real one has except the cluster's signature. The client trusts the real authority.
    private static void ForeignMember(string dir)
    {
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=Someone else's CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var authority = authorityRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var memberKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var memberRequest = new CertificateRequest("CN=actors-cluster-member", memberKey, HashAlgorithmName.SHA256);
        memberRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        memberRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var member = memberRequest.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);

        File.WriteAllText(Path.Combine(dir, "tls.crt"), member.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "tls.key"), memberKey.ExportPkcs8PrivateKeyPem());
    }
}
