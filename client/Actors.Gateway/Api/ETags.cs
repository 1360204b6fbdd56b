using System.Globalization;
using Actors.Grains.Posts;
using Actors.Grains.Users;
using Microsoft.Net.Http.Headers;

namespace Actors.Gateway.Api;

/// <summary>
/// Strong ETags derived from row versions: a profile's edit version and counter sequence (plus whether
/// the owner's view with email was served), a post's version and like count.
/// </summary>
internal static class ETags
{
    public static string For(UserProfile user, bool ownerView) =>
        string.Create(CultureInfo.InvariantCulture, $"\"u{user.Version}.{user.Counters.Sequence}{(ownerView ? ".o" : "")}\"");

    public static string For(Post post) =>
        string.Create(CultureInfo.InvariantCulture, $"\"p{post.Version}.{post.LikeCount}\"");

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
}
