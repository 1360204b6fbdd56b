using System.Reflection;

namespace Actors.Stack.Tests.Infrastructure;

/// <summary>Where the real services and the built programs are. tests/run.sh sets the variables.</summary>
internal static class TestEnvironment
{
    public static string Postgres => Required("ACTORS_TEST_POSTGRES");

    public static string Redis => Required("ACTORS_TEST_REDIS");

    /// <summary>Shell commands that stop and start the PostgreSQL every test uses (drills only).</summary>
    public static string PostgresStop => Required("ACTORS_TEST_POSTGRES_STOP");

    public static string PostgresStart => Required("ACTORS_TEST_POSTGRES_START");

    /// <summary>The development authority (ca.crt) and members' certificate (tls.crt, tls.key) for stacks with mutual TLS.</summary>
    public static string TlsDirectory => Required("ACTORS_TEST_TLS");

    /// <summary>The development authority, loaded as the product loads ClusterTls:AuthorityPath.</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2Collection TlsAuthority() =>
        new Actors.ServiceDefaults.ClusterTlsOptions { AuthorityPath = Path.Combine(TlsDirectory, "ca.crt") }.LoadAuthorities();

    public static string RepositoryRoot { get; } = FindRoot();

    public static string Configuration =>
        typeof(TestEnvironment).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static string SiloDll => Built("silo/Actors.Silo", "Actors.Silo.dll");

    public static string GatewayDll => Built("client/Actors.Gateway", "Actors.Gateway.dll");

    /// <summary>A loopback port nobody listens on right now, outside the ephemeral range (<see cref="Actors.Testing.FreePorts"/>).</summary>
    public static int FreePort() => Actors.Testing.FreePorts.Next();

    private static string Built(string project, string dll)
    {
        var path = Path.Combine(RepositoryRoot, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{dll} is not built; run tests through tests/run.sh.", path);
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests through tests/run.sh.");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Actors.sln not found above the test output folder.");
    }
}
