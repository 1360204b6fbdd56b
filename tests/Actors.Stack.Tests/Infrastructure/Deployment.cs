using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Actors.Testing;
using Npgsql;

namespace Actors.Stack.Tests.Infrastructure;

/// <summary>
/// The whole product as users run it: silos and a gateway as separate processes, joined through the
/// real Redis under a cluster id of their own, writing to the real PostgreSQL; both through cuttable proxies.
/// </summary>
internal sealed class Deployment : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Dictionary<int, (int SiloPort, int GatewayPort, int HttpPort)> _siloPorts = [];
    private readonly string _signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private IReadOnlyDictionary<string, string> _gatewaySettings = new Dictionary<string, string>();
    private IReadOnlyDictionary<string, string> _siloSettings = new Dictionary<string, string>();
    private bool _clusterTls;

    private Deployment()
    {
        var postgres = new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Database = _databaseName };
        Postgres = postgres.ConnectionString;
        Database = new TcpProxy(Endpoint(postgres.Host!, postgres.Port));
        postgres.Port = Database.Port;
        postgres.Host = "127.0.0.1";
        // Several stacks run at once, each silo with its own pool: small pools keep them all well under
        // PostgreSQL's 100 connections.
        postgres.MaxPoolSize = 10;
        PostgresThroughProxy = postgres.ConnectionString;
        // "host:port,options": the same options, through a proxy of this stack's own.
        var redis = TestEnvironment.Redis.Split(',', 2);
        var redisEndpoint = redis[0].Split(':');
        Redis = new TcpProxy(Endpoint(redisEndpoint[0], int.Parse(redisEndpoint[1], System.Globalization.CultureInfo.InvariantCulture)));
        RedisThroughProxy = $"127.0.0.1:{Redis.Port}" + (redis.Length > 1 ? $",{redis[1]}" : "");
        GatewayPort = TestEnvironment.FreePort();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{GatewayPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string ClusterId { get; } = $"test-{Guid.NewGuid():N}";

    // Named after the test database (tests/run.sh drops "<test database>_stack_*" left by earlier runs):
    // two checkouts testing against one PostgreSQL with different TEST_DATABASE never drop each other's.
    private readonly string _databaseName = $"{new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres).Database}_stack_{Guid.NewGuid():N}";

    /// <summary>
    /// This stack's own database, directly (not through the proxy): every stack runs outbox relays,
    /// and relays sharing a database would take each other's events.
    /// </summary>
    public string Postgres { get; }

    public const string ServiceId = "actors-tests";

    public TcpProxy Database { get; }

    /// <summary>Between this stack and Redis (cluster membership).</summary>
    public TcpProxy Redis { get; }

    private string RedisThroughProxy { get; }

    /// <summary>The SMTP server the silos send mail to.</summary>
    public TestSmtpServer Smtp { get; } = new();

    private string PostgresThroughProxy { get; }

    public int GatewayPort { get; }

    public HttpClient Http { get; }

    public List<ServiceProcess> Silos { get; } = [];

    public ServiceProcess? Gateway { get; private set; }

    private readonly List<ServiceProcess> _extraGateways = [];

    /// <param name="gatewaySettings">Gateway configuration overrides (environment-variable names), e.g. tight rate limits.</param>
    /// <param name="siloSettings">Silo configuration overrides, likewise.</param>
    /// <param name="clusterTls">Silos and gateways talk over mutual TLS with the development certificates.</param>
    public static async Task<Deployment> StartAsync(
        int silos, IReadOnlyDictionary<string, string>? gatewaySettings = null, IReadOnlyDictionary<string, string>? siloSettings = null,
        bool clusterTls = false)
    {
        var stack = new Deployment
        {
            _gatewaySettings = gatewaySettings ?? new Dictionary<string, string>(),
            _siloSettings = siloSettings ?? new Dictionary<string, string>(),
            _clusterTls = clusterTls,
        };
        try
        {
            await stack.CreateDatabaseAsync();
            await Task.WhenAll(Enumerable.Range(0, silos).Select(stack.StartSiloAsync));
            await stack.StartGatewayAsync();
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts silo number <paramref name="index"/> (reusing its ports when it ran before) and waits until it is ready.</summary>
    public async Task<ServiceProcess> StartSiloAsync(int index)
    {
        if (!_siloPorts.TryGetValue(index, out var ports))
        {
            ports = (TestEnvironment.FreePort(), TestEnvironment.FreePort(), TestEnvironment.FreePort());
            _siloPorts[index] = ports;
        }

        var settings = new Dictionary<string, string>(Common())
        {
            ["Silo__Name"] = $"silo{index}-{Guid.NewGuid():N}"[..16],
            ["Silo__SiloPort"] = ports.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Silo__GatewayPort"] = ports.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Silo__ShutdownTimeout"] = "00:00:15",
            // A trending test sees its likes ranked within seconds, not after the production 10 s.
            ["Feed__TrendingRefresh"] = "00:00:01",
            // A failing event is parked after three quick attempts, within a test's patience.
            ["Outbox__MaxFailures"] = "3",
            ["Outbox__RetryBaseDelay"] = "00:00:00.200",
            // Welcome emails go over SMTP to the server this test process runs.
            ["Email__SmtpHost"] = "127.0.0.1",
            ["Email__SmtpPort"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Urls"] = $"http://127.0.0.1:{ports.HttpPort}",
        };
        Override(settings, _siloSettings);

        var silo = ServiceProcess.Start($"silo{index}", TestEnvironment.SiloDll, settings);
        lock (Silos)
        {
            Silos.Add(silo);
        }

        using var probe = new HttpClient();
        await silo.WaitUntilHealthyAsync(probe, new Uri($"http://127.0.0.1:{ports.HttpPort}/health/ready"), StartTimeout);
        return silo;
    }

    /// <summary>Where silo <paramref name="index"/> takes client (gateway) connections.</summary>
    public IPEndPoint SiloGatewayEndpoint(int index) => new(IPAddress.Loopback, _siloPorts[index].GatewayPort);

    public Uri SiloHealth(int index, string check) => new($"http://127.0.0.1:{_siloPorts[index].HttpPort}/health/{check}");

    public Uri SiloMetrics(int index) => new($"http://127.0.0.1:{_siloPorts[index].HttpPort}/metrics");

    public async Task StartGatewayAsync()
    {
        Gateway = ServiceProcess.Start("gateway", TestEnvironment.GatewayDll, GatewaySettings(GatewayPort, _gatewaySettings));
        await Gateway.WaitUntilHealthyAsync(Http, new Uri(Http.BaseAddress!, "/health/ready"), StartTimeout);
    }

    /// <summary>
    /// Starts one more gateway in this cluster, on a port of its own, configured like the first one plus
    /// <paramref name="overrides"/>; stopped with the stack. Answers an HTTP client for it.
    /// </summary>
    public async Task<HttpClient> StartExtraGatewayAsync(IReadOnlyDictionary<string, string>? overrides = null) =>
        (await StartExtraGatewayProcessAsync(overrides)).Http;

    /// <inheritdoc cref="StartExtraGatewayAsync"/>
    public async Task<(ServiceProcess Process, HttpClient Http)> StartExtraGatewayProcessAsync(IReadOnlyDictionary<string, string>? overrides = null)
    {
        var port = TestEnvironment.FreePort();
        var settings = GatewaySettings(port, _gatewaySettings);
        Override(settings, overrides ?? new Dictionary<string, string>());
        var gateway = ServiceProcess.Start($"gateway{_extraGateways.Count + 2}", TestEnvironment.GatewayDll, settings);
        _extraGateways.Add(gateway);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Http.Timeout };
        // With a management port of its own, the gateway answers probes only there.
        var health = settings.TryGetValue("Gateway__ManagementPort", out var management) ? $"http://127.0.0.1:{management}" : $"http://127.0.0.1:{port}";
        await gateway.WaitUntilHealthyAsync(http, new Uri($"{health}/health/ready"), StartTimeout);
        return (gateway, http);
    }

    private Dictionary<string, string> GatewaySettings(int port, IReadOnlyDictionary<string, string> overrides)
    {
        var settings = new Dictionary<string, string>(Common())
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Auth__SigningKey"] = _signingKey,
            // The lowest cost the gateway accepts: tests sign up hundreds of users.
            ["Auth__PasswordIterations"] = "10000",
            ["Gateway__GatewayListRefreshPeriod"] = "00:00:01",
            // Every test client comes from 127.0.0.1: only the abuse-limit tests want the real limits.
            ["RateLimit__PermitLimit"] = "1000000",
            ["RateLimit__TokensPerPeriod"] = "1000000",
            ["RateLimit__LoginPermitLimit"] = "1000000",
            ["RateLimit__LoginPerAddressPermitLimit"] = "1000000",
            ["RateLimit__SignUpPermitLimit"] = "1000000",
        };
        Override(settings, overrides);
        return settings;
    }

    /// <summary>Runs a one-shot silo command (migrate, outbox ...) against this stack's database; answers exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> SiloCommandAsync(params string[] arguments)
    {
        await using var command = ServiceProcess.Start(arguments[0], TestEnvironment.SiloDll,
            new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = Postgres }, arguments);
        var exitCode = await command.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(100); // the last output lines arrive after the exit
        return (exitCode, command.Output());
    }

    /// <summary>Signs up a fresh user, confirms the address and logs in: returns the user's id and an HTTP client carrying the token.</summary>
    public async Task<(Guid Id, HttpClient Client, string Email)> NewUserAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        var email = $"{tag}@example.test";
        await SignUpAsync(new { handle = $"u_{tag}", email, displayName = $"User {tag}", password = "correct horse battery" }, email);
        using var login = await Http.PostAsJsonAsync("/api/sessions", new { email, password = "correct horse battery" });
        login.EnsureSuccessStatusCode();
        var session = await login.Content.ReadFromJsonAsync<JsonElement>();
        var client = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = Http.Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        return (session.GetProperty("userId").GetGuid(), client, email);
    }

    /// <summary>Signs up with <paramref name="body"/> and follows the link mailed to <paramref name="email"/>: answers the account's id.</summary>
    public async Task<Guid> SignUpAsync(object body, string email)
    {
        using var signUp = await Http.PostAsJsonAsync("/api/users", body);
        Assert.Equal(HttpStatusCode.Accepted, signUp.StatusCode);
        var account = await ConfirmAsync(email);
        return account.GetProperty("id").GetGuid();
    }

    /// <summary>Waits for the confirmation mail to <paramref name="email"/> and confirms it: answers the created account.</summary>
    public async Task<JsonElement> ConfirmAsync(string email)
    {
        using var confirmed = await Http.PostAsJsonAsync("/api/users/confirmations", new { token = await ConfirmationTokenAsync(email) });
        Assert.Equal(HttpStatusCode.Created, confirmed.StatusCode);
        return await confirmed.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The token of the confirmation mail to <paramref name="email"/>, once it arrives.</summary>
    public async Task<string> ConfirmationTokenAsync(string email) =>
        (await Smtp.WaitForAsync(m => m.ConfirmationToken is not null && m.To.Equals(email, StringComparison.OrdinalIgnoreCase),
            TimeSpan.FromSeconds(30))).ConfirmationToken!;

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        foreach (var gateway in _extraGateways)
        {
            await gateway.DisposeAsync();
        }

        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        Http.Dispose();
        await Database.DisposeAsync();
        await Redis.DisposeAsync();
        await Smtp.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = NpgsqlDataSource.Create(TestEnvironment.Postgres);
        await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }

    // The name is ours (a fixed prefix and a GUID), so it is safe to quote as an identifier.
    private async Task CreateDatabaseAsync()
    {
        await using (var admin = NpgsqlDataSource.Create(TestEnvironment.Postgres))
        await using (var create = admin.CreateCommand($"CREATE DATABASE \"{_databaseName}\""))
        {
            await create.ExecuteNonQueryAsync();
        }

        // Generous timeouts: many stacks may be migrating at once on a busy machine.
        var migrating = new NpgsqlConnectionStringBuilder(Postgres) { Timeout = 60, CommandTimeout = 300 }.ConnectionString;
        var migrate = ServiceProcess.Start("migrate", TestEnvironment.SiloDll, new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = migrating,
        }, arguments: ["migrate"]);
        await using (migrate)
        {
            if (await migrate.WaitForExitAsync(TimeSpan.FromSeconds(300)) != 0)
            {
                throw new InvalidOperationException($"migrating {_databaseName} failed:\n{migrate.Output()}");
            }
        }
    }

    // The servers' address as the test environment names it ("localhost" or an IP), for a proxy to dial.
    private static IPEndPoint Endpoint(string host, int port) => new(IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host), port);

    private static void Override(Dictionary<string, string> settings, IReadOnlyDictionary<string, string> overrides)
    {
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }
    }

    /// <summary>The ClusterTls settings this stack's processes run with (empty when TLS is off).</summary>
    public IReadOnlyDictionary<string, string> ClusterTlsSettings => !_clusterTls ? new Dictionary<string, string>() : new Dictionary<string, string>
    {
        ["ClusterTls__CertificatePath"] = Path.Combine(TestEnvironment.TlsDirectory, "tls.crt"),
        ["ClusterTls__KeyPath"] = Path.Combine(TestEnvironment.TlsDirectory, "tls.key"),
        ["ClusterTls__AuthorityPath"] = Path.Combine(TestEnvironment.TlsDirectory, "ca.crt"),
    };

    private Dictionary<string, string> Common() => new(ClusterTlsSettings)
    {
        ["ConnectionStrings__Postgres"] = PostgresThroughProxy,
        ["ConnectionStrings__Redis"] = RedisThroughProxy,
        ["Cluster__ClusterId"] = ClusterId,
        ["Cluster__ServiceId"] = ServiceId,
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Actors"] = "Information",
        ["DOTNET_gcServer"] = "0",
        // Views reach PostgreSQL within a second, not the production 1 s + 5 s.
        ["Analytics__FlushInterval"] = "00:00:00.300",
    };
}
