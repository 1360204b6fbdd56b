using Actors.Gateway.Auth;
using Actors.Gateway.Hosting;
using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Avatars;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Actors.Gateway.Api;

internal static class AvatarsApi
{
    private const string LongLived = "public, max-age=86400, stale-while-revalidate=604800";

    public static IEndpointRouteBuilder MapAvatarsApi(this IEndpointRouteBuilder endpoints)
    {
        var avatars = endpoints.MapGroup("/api/users/{id}/avatar").WithTags("Users").WithCommonProblems().BindsInput().FailsOver();
        avatars.MapPut("/", PutAvatar).RequireAuthorization().WithName("PutAvatar")
            .WithSummary("Upload your avatar (PNG, JPEG or WebP as the raw body); thumbnails are made in the background.")
            .WithDescription(Problems.Describe("Answers 202 once the upload is stored.",
                Problems.InvalidId, Problems.Unauthorized, Problems.NotOwner, Problems.UnsupportedMediaType, ErrorCodes.UnsupportedImageType,
                ErrorCodes.InvalidAvatar, Problems.PayloadTooLarge))
            .Accepts<byte[]>(AvatarMediaTypes.Accepted[0], AvatarMediaTypes.Accepted[1..])
            .Produces<AvatarAcceptedResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        avatars.MapGet("/", GetAvatar).WithName("GetAvatar").WithSummary("A user's avatar thumbnail, PNG, ?size=64 or 256 (default).")
            .WithDescription(Problems.Describe("ETag; 304 on If-None-Match; cached for a day. avatar_processing carries Retry-After; "
                + "avatar_rejected's detail says why.",
                Problems.InvalidId, Problems.InvalidSize, Problems.AvatarNotFound, Problems.AvatarProcessing, Problems.AvatarRejected))
            .Produces(StatusCodes.Status200OK, contentType: "image/png").Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    public static async Task<Results<Accepted<AvatarAcceptedResponse>, ProblemHttpResult>> PutAvatar(
        RouteId id, IGrainFactory grains, HttpContext http, IOptions<GatewayOptions> options)
    {
        var userId = id.Value;

        if (http.User.UserId() != userId)
        {
            return Problems.Forbidden(Problems.NotOwner, "You can change only your own avatar.");
        }

        var contentType = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var media) ? media.MediaType.Value : null;
        if (!AvatarMediaTypes.IsAccepted(contentType))
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, Problems.UnsupportedMediaType, "Unsupported media type.",
                "Send the image as the body with Content-Type image/png, image/jpeg or image/webp.");
        }

        // Images may be larger than the JSON bodies every other endpoint takes, up to their own limit,
        // refused before the body is read whenever the client declared its length.
        var limit = options.Value.MaxAvatarBytes;
        if (http.Request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit;
        }

        byte[] image;
        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            image = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }

        var result = await grains.GetGrain<IAvatarGrain>(userId).Upload(contentType!, image);
        if (!result.Accepted)
        {
            return result.ErrorCode == ErrorCodes.UserNotFound
                ? Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.UserNotFound, "No such user.")
                : Problems.Of(StatusCodes.Status422UnprocessableEntity, result.ErrorCode ?? ErrorCodes.InvalidAvatar, "The image was refused.", result.Reason);
        }

        CacheHeaders.NoStore(http.Response);
        return TypedResults.Accepted($"/api/users/{userId}/avatar", new AvatarAcceptedResponse("processing", result.Version));
    }

    public static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> GetAvatar(
        RouteId id, IGrainFactory grains, HttpContext http, string? size)
    {
        var userId = id.Value;

        var edge = size switch
        {
            null or "256" => 256,
            "64" => 64,
            _ => 0,
        };
        if (edge == 0)
        {
            return Problems.BadRequest(Problems.InvalidSize, "size must be 64 or 256.");
        }

        var avatar = await grains.GetGrain<IAvatarGrain>(userId).GetThumbnail(edge);
        switch (avatar)
        {
            case null:
                return Problems.Of(StatusCodes.Status404NotFound, Problems.AvatarNotFound, "This user has no avatar.");
            case { Status: AvatarStatus.Processing }:
                http.Response.Headers.RetryAfter = "1";
                return Problems.Of(StatusCodes.Status404NotFound, Problems.AvatarProcessing, "The avatar is still being processed.");
            case { Status: AvatarStatus.Rejected }:
                return Problems.Of(StatusCodes.Status404NotFound, Problems.AvatarRejected, "The uploaded image was refused.", avatar.Reason);
        }

        var etag = $"\"a{avatar.Version}.{edge}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = LongLived;
        return ETags.NoneMatch(http.Request, etag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.File(avatar.Png!, "image/png");
    }

    private static ProblemHttpResult TooLarge(long limit) =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, Problems.PayloadTooLarge, "The image is too large.", $"At most {limit} bytes.");
}
