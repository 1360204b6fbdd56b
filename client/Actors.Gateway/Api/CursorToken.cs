using System.Buffers.Binary;
using Actors.Grains.Abstractions.Paging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

/// <summary>
/// <c>?cursor=</c>: the opaque base64url form of a <see cref="PageCursor"/> that a page handed out as
/// <c>nextCursor</c>. Decoding validates it fully, so no grain or query sees a malformed position.
/// </summary>
internal readonly record struct CursorToken(PageCursor Position) : IBoundInput<CursorToken>
{
    // Layout: format byte, 8 bytes of UTC ticks (0 when absent), 16 bytes of id.
    private const byte Format = 1;
    private const int Length = 1 + 8 + 16;

    public static string Encode(PageCursor cursor)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Format;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], cursor.Timestamp?.UtcTicks ?? 0);
        cursor.Id.TryWriteBytes(bytes[9..], bigEndian: true, out _);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static ProblemHttpResult Refuse(string raw) =>
        Problems.BadRequest(Problems.InvalidCursor, "cursor is not one this API issued.");

    public static bool TryParse(string? value, out CursorToken result)
    {
        var token = value;
        result = default;
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
        result = new CursorToken(new PageCursor(ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero), id));
        return true;
    }
}
