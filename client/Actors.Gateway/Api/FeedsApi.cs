using Actors.Gateway.Auth;
using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Feeds;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Actors.Gateway.Api;

internal static class FeedsApi
{
    public const int MaxTrendingLimit = 50;

    public static IEndpointRouteBuilder MapFeedsApi(this IEndpointRouteBuilder endpoints)
    {
        var feeds = endpoints.MapGroup("/api").WithTags("Feeds").WithCommonProblems().BindsInput().FailsOver();
        feeds.MapGet("/feed", GetFeed).RequireAuthorization().WithName("GetFeed")
            .WithSummary("The caller's home timeline: newest posts of the people they follow, with authors.")
            .WithDescription(Problems.Describe("Keyset-paginated (?limit=1..100, ?cursor=), post fields projectable (?fields=); the author is always "
                + "included. A page may hold fewer than limit items when posts were deleted meanwhile; nextCursor null "
                + "marks the end. ETag; 304 on If-None-Match.",
                Problems.Unauthorized, Problems.InvalidLimit, Problems.InvalidCursor, Problems.InvalidFields))
            .Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status401Unauthorized);
        feeds.MapGet("/trending", GetTrending).WithName("GetTrending")
            .WithSummary("The most liked posts of the last day, with authors.")
            .WithDescription(Problems.Describe("?limit=1..50 (default 20), post fields projectable (?fields=); nextCursor is always null. Served "
                + "from a ranking at most Feed:TrendingMaxAge old; Last-Modified says when it was computed. ETag; 304 "
                + "on If-None-Match.",
                Problems.InvalidLimit, Problems.InvalidFields))
            .Produces(StatusCodes.Status304NotModified);
        return endpoints;
    }

    public static async Task<Results<JsonPayload<PageResponse<FeedItemResponse>>, StatusCodeHttpResult, ProblemHttpResult>> GetFeed(
        [FromServices] GrainHandles<ITimelineGrain> timelines, HttpContext http, PageLimit? limit, CursorToken? cursor, FieldSet<PostField>? fields)
    {
        var size = limit?.Value ?? PageLimit.Default;
        var after = cursor?.Position;
        var selected = fields?.Value ?? PostField.All;

        if (after is { Timestamp: null })
        {
            return Problems.BadRequest(Problems.InvalidCursor, "cursor belongs to a different list.");
        }

        var caller = http.User.UserId() ?? throw new InvalidOperationException("An authorized request carries no user id.");
        var page = await timelines.Get(caller).GetFeed(after, size);
        var next = page.Next is { } last ? CursorToken.Encode(last) : null;
        CacheHeaders.Personal(http.Response);
        return UsersApi.NotModifiedOr(http, ETags.ForPage(page.Items, selected, next), () =>
            JsonPayload.Of(new PageResponse<FeedItemResponse>([.. page.Items.Select(i => FeedItemResponse.From(i, selected))], next)));
    }

    public static async Task<Results<JsonPayload<PageResponse<FeedItemResponse>>, StatusCodeHttpResult, ProblemHttpResult>> GetTrending(
        IGrainFactory grains, HttpContext http, PageLimit? limit, FieldSet<PostField>? fields)
    {
        var size = limit?.Value ?? PageLimit.Default;
        if (size > MaxTrendingLimit)
        {
            return Problems.BadRequest(Problems.InvalidLimit, $"limit must be between 1 and {MaxTrendingLimit}.");
        }

        var selected = fields?.Value ?? PostField.All;
        var trending = await grains.GetGrain<ITrendingReaderGrain>(0).GetTrending(size);
        CacheHeaders.Trending(http.Response);
        http.Response.Headers.LastModified = HeaderUtilities.FormatDate(trending.ComputedAt);
        return UsersApi.NotModifiedOr(http, ETags.ForPage(trending.Items, selected, next: null), () =>
            JsonPayload.Of(new PageResponse<FeedItemResponse>([.. trending.Items.Select(i => FeedItemResponse.From(i, selected))], null)));
    }
}
