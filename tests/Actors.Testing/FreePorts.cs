using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Actors.Testing;

/// <summary>
/// Loopback ports for the servers tests start. Picked below the kernel's ephemeral range, so no
/// outgoing connection (to PostgreSQL, Redis, a silo) can take one between the check here and the
/// server's bind, and never the same port twice in one test process.
/// </summary>
public static class FreePorts
{
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();
    private static readonly int Below = EphemeralLow();

    public static int Next()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(Below - 12_000, Below);
            if (!HandedOut.TryAdd(port, true))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Someone listens there already: try another.
            }
        }

        throw new InvalidOperationException($"No free loopback port below {Below}.");
    }

    // Linux: /proc/sys/net/ipv4/ip_local_port_range ("32768 60999" by default).
    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture) is var low and > 13_000 ? low : 32_768;
        }
        catch (IOException)
        {
            return 32_768;
        }
    }
}
