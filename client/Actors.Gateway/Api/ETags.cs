using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Actors.Grains.Abstractions.Feeds;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Microsoft.Net.Http.Headers;

namespace Actors.Gateway.Api;

/// <summary>
/// Strong ETags derived from row versions, never from serialized bytes: a profile's edit version and
/// counter sequence, a post's version and like count, each with the projection served (a different
/// field set is a different representation). A list page's tag hashes the same keys of its items.
/// </summary>
internal static class ETags
{
    public static string For(UserProfile user, UserField fields) =>
        string.Create(CultureInfo.InvariantCulture, $"\"u{user.Version}.{user.Counters.Sequence}.{(int)fields:x}\"");

    public static string For(Post post, PostField fields) =>
        string.Create(CultureInfo.InvariantCulture, $"\"p{post.Version}.{post.LikeCount}.{(int)fields:x}\"");

    public static string ForPage(IReadOnlyList<UserProfile> users, UserField fields, string? next) =>
        Hash('U', (int)fields, next, users.Count, (span, i) =>
        {
            users[i].Id.TryWriteBytes(span);
            BinaryPrimitives.WriteInt64LittleEndian(span[16..], users[i].Version);
            BinaryPrimitives.WriteInt64LittleEndian(span[24..], users[i].Counters.Sequence);
        });

    public static string ForPage(IReadOnlyList<Post> posts, PostField fields, string? next) =>
        Hash('P', (int)fields, next, posts.Count, (span, i) =>
        {
            posts[i].Id.TryWriteBytes(span);
            BinaryPrimitives.WriteInt64LittleEndian(span[16..], posts[i].Version);
            BinaryPrimitives.WriteInt64LittleEndian(span[24..], posts[i].LikeCount);
        });

    public static string ForPage(IReadOnlyList<FeedItem> items, PostField fields, string? next) =>
        Hash('F', (int)fields, next, items.Count, (span, i) =>
        {
            var (post, author) = (items[i].Post, items[i].Author);
            post.Id.TryWriteBytes(span);
            BinaryPrimitives.WriteInt64LittleEndian(span[16..], post.Version);
            BinaryPrimitives.WriteInt64LittleEndian(span[24..], post.LikeCount);
            BinaryPrimitives.WriteInt64LittleEndian(span[32..], author.Version);
        }, itemSize: 40);

    /// <summary>True when If-None-Match names this ETag (or is "*").</summary>
    public static bool NoneMatch(HttpRequest request, string etag)
    {
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0)
        {
            return false;
        }

        return EntityTagHeaderValue.TryParseList(header, out var tags)
            && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Tag.AsSpan().SequenceEqual(etag));
    }

    /// <summary>The version part every representation of this post shares ("p{version}.").</summary>
    public static string VersionOf(Post post) => string.Create(CultureInfo.InvariantCulture, $"p{post.Version}.");

    /// <summary>
    /// True when If-Match is "*" or names a strong ETag of the resource at this version, whatever
    /// projection it was read with.
    /// </summary>
    public static bool Matches(HttpRequest request, string versionPrefix) =>
        EntityTagHeaderValue.TryParseList(request.Headers.IfMatch, out var tags)
        && tags.Any(t => t.Equals(EntityTagHeaderValue.Any)
            || (!t.IsWeak && t.Tag.AsSpan().Trim('"').StartsWith(versionPrefix, StringComparison.Ordinal)));

    /// <summary>
    /// The profile version an If-Match header demands: null when absent or "*", -1 when it names no
    /// version this API issued (the precondition then fails).
    /// </summary>
    public static long? ExpectedUserVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return null;
        }

        if (!EntityTagHeaderValue.TryParseList(header, out var tags) || tags.Count != 1 || tags[0].IsWeak)
        {
            return -1;
        }

        if (tags[0].Equals(EntityTagHeaderValue.Any))
        {
            return null;
        }

        var tag = tags[0].Tag.AsSpan().Trim('"');
        var dot = tag.IndexOf('.');
        return tag.Length > 1 && tag[0] == 'u' && dot > 1
            && long.TryParse(tag[1..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : -1;
    }

    private static string Hash(char kind, int fields, string? next, int count, SpanAction<byte, int> writeItem, int itemSize = 32)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> item = stackalloc byte[itemSize];
        item[0] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(item[1..], fields);
        hash.AppendData(item[..5]);
        for (var i = 0; i < count; i++)
        {
            writeItem(item, i);
            hash.AppendData(item);
        }

        hash.AppendData(System.Text.Encoding.ASCII.GetBytes(next ?? "-"));
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return $"\"l{Convert.ToHexStringLower(digest[..12])}\"";
    }

    private delegate void SpanAction<T, in TArg>(Span<T> span, TArg arg);
}
