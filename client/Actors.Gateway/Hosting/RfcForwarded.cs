using System.Net;
using Microsoft.Extensions.Primitives;

namespace Actors.Gateway.Hosting;

/// <summary>Reads the <c>for</c> and <c>proto</c> parameters of RFC 7239 <c>Forwarded</c> header elements.</summary>
internal static class RfcForwarded
{
    /// <summary>
    /// The elements' <c>for</c> addresses, left to right as <c>X-Forwarded-For</c> lists them, and the last
    /// element's <c>proto</c>. False when any element lacks a usable <c>for</c> (obfuscated or "unknown"):
    /// then no address is trusted from the header at all.
    /// </summary>
    public static bool TryTranslate(StringValues header, out string forwardedFor, out string? proto)
    {
        var addresses = new List<string>();
        proto = null;
        forwardedFor = string.Empty;
        foreach (var line in header)
        {
            foreach (var element in (line ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string? address = null;
                string? elementProto = null;
                foreach (var pair in element.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        return false;
                    }

                    var name = pair[..equals].Trim();
                    var value = pair[(equals + 1)..].Trim().Trim('"');
                    if (name.Equals("for", StringComparison.OrdinalIgnoreCase))
                    {
                        address = Address(value);
                    }
                    else if (name.Equals("proto", StringComparison.OrdinalIgnoreCase))
                    {
                        elementProto = value;
                    }
                }

                if (address is null)
                {
                    return false;
                }

                addresses.Add(address);
                proto = elementProto;
            }
        }

        forwardedFor = string.Join(", ", addresses);
        return addresses.Count > 0;
    }

    // "192.0.2.60", "192.0.2.60:4711", "[2001:db8:cafe::17]" or "[2001:db8:cafe::17]:4711" to an address alone.
    private static string? Address(string value)
    {
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            value = close > 0 ? value[1..close] : value;
        }
        else if (value.Count(c => c == ':') == 1)
        {
            value = value[..value.IndexOf(':', StringComparison.Ordinal)];
        }

        return IPAddress.TryParse(value, out var address) ? address.ToString() : null;
    }
}
