using Microsoft.Net.Http.Headers;

namespace Actors.Gateway.Api;

/// <summary>
/// Cache-Control per kind of response. Public reads may be reused briefly by browsers and shared
/// caches such as the edge (s-maxage: how long an edge may answer without asking), served stale while
/// a cache revalidates (cheap, thanks to ETags) and while the gateways fail (stale-if-error); anything
/// personal is private and revalidated every time.
/// </summary>
internal static class CacheHeaders
{
    private const string PublicProfile = "public, max-age=5, s-maxage=5, stale-while-revalidate=30, stale-if-error=300";
    private const string PublicPost = "public, max-age=30, s-maxage=30, stale-while-revalidate=60, stale-if-error=600";
    private const string PublicList = "public, max-age=5, s-maxage=5, stale-while-revalidate=30, stale-if-error=300";
    private const string PublicTrending = "public, max-age=5, s-maxage=5, stale-if-error=60";
    private const string PersonalView = "private, no-cache";

    public static void Profile(HttpResponse response, bool ownerView)
    {
        response.Headers.CacheControl = ownerView ? PersonalView : PublicProfile;
        // The same URL answers the owner (with email) and everyone else differently.
        response.Headers.Append(HeaderNames.Vary, HeaderNames.Authorization);
    }

    public static void Post(HttpResponse response) => response.Headers.CacheControl = PublicPost;

    public static void List(HttpResponse response) => response.Headers.CacheControl = PublicList;

    /// <summary>A caller's own view (their feed): never shared, revalidated each time (cheap, by ETag).</summary>
    public static void Personal(HttpResponse response)
    {
        response.Headers.CacheControl = PersonalView;
        response.Headers.Append(HeaderNames.Vary, HeaderNames.Authorization);
    }

    /// <summary>Short, so a cache adds little to the ranking's own age bound.</summary>
    public static void Trending(HttpResponse response) => response.Headers.CacheControl = PublicTrending;

    public static void NoStore(HttpResponse response) => response.Headers.CacheControl = "no-store";
}
