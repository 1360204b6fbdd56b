using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Actors.Grains.Paging;

/// <summary>
/// A keyset position: the sort key of the last item a page returned. Clients see it only as an opaque
/// base64url token; the gateway decodes and validates it before any grain or query sees it.
/// </summary>
/// <param name="Timestamp">The last item's time key, or null for lists ordered by id alone.</param>
[GenerateSerializer, Immutable, Alias("actors.PageCursor")]
public readonly record struct PageCursor(
    [property: Id(0)] DateTimeOffset? Timestamp,
    [property: Id(1)] Guid Id)
{
    // Layout: format byte, 8 bytes of UTC ticks (0 when absent), 16 bytes of id.
    private const byte Format = 1;
    private const int Length = 1 + 8 + 16;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Format;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], Timestamp?.UtcTicks ?? 0);
        Id.TryWriteBytes(bytes[9..], bigEndian: true, out _);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryDecode(string? token, [NotNullWhen(true)] out PageCursor? cursor)
    {
        cursor = null;
        // 25 bytes encode to exactly 34 base64url characters without padding.
        if (token is not { Length: 34 })
        {
            return false;
        }

        var padded = token.Replace('-', '+').Replace('_', '/') + "==";
        Span<byte> bytes = stackalloc byte[27];
        if (!Convert.TryFromBase64String(padded, bytes, out var written) || written != Length || bytes[0] != Format)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        if (ticks < 0 || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        var id = new Guid(bytes.Slice(9, 16), bigEndian: true);
        cursor = new PageCursor(ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }
}
