using Actors.Gateway.Analytics;
using Actors.Gateway.Auth;
using Actors.Gateway.Caching;
using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Actors.Gateway.Api;

internal static class PostsApi
{
    public const int MaxBodyLength = 500;

    public static IEndpointRouteBuilder MapPostsApi(this IEndpointRouteBuilder endpoints)
    {
        var posts = endpoints.MapGroup("/api/posts").WithTags("Posts").WithCommonProblems().BindsInput().FailsOver();
        // The post's id is fixed for the request: a second run creates nothing new (see CreatePost).
        posts.MapPost("/", CreatePost).WithMetadata(new Failover.RetrySafe()).RequireAuthorization().WithName("CreatePost").WithSummary("Publish a post as the caller.")
            .WithDescription(Problems.Describe("Honours Idempotency-Key.",
                Problems.ValidationFailed, Problems.BadRequestCode, Problems.Unauthorized, Problems.InvalidIdempotencyKey, Problems.IdempotencyKeyReused))
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        posts.MapGet("/{id}", GetPost).WithName("GetPost").WithSummary("A post; counts a view (in the background).")
            .WithDescription(Problems.Describe("Projectable (?fields=). ETag; 304 on If-None-Match.",
                Problems.InvalidId, Problems.InvalidFields, ErrorCodes.PostNotFound))
            .Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        posts.MapDelete("/{id}", DeletePost).RequireAuthorization().WithName("DeletePost").WithSummary("Delete your own post.")
            .WithDescription(Problems.Describe("If-Match optional.",
                Problems.InvalidId, Problems.Unauthorized, ErrorCodes.NotAuthor, ErrorCodes.PostNotFound, Problems.PreconditionFailed))
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        posts.MapPut("/{id}/likes", Like).RequireAuthorization().WithName("Like").WithSummary("Like a post as the caller (idempotent).")
            .WithDescription(Problems.Describe("",
                Problems.InvalidId, Problems.Unauthorized, ErrorCodes.PostNotFound))
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        posts.MapDelete("/{id}/likes", Unlike).RequireAuthorization().WithName("Unlike").WithSummary("Take your like back (idempotent).")
            .WithDescription(Problems.Describe("",
                Problems.InvalidId, Problems.Unauthorized, ErrorCodes.PostNotFound))
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    public static Task<Results<NoContent, ProblemHttpResult>> Like(RouteId id, IGrainFactory grains, HttpContext http) =>
        ChangeLike(id, grains, http, like: true);

    public static Task<Results<NoContent, ProblemHttpResult>> Unlike(RouteId id, IGrainFactory grains, HttpContext http) =>
        ChangeLike(id, grains, http, like: false);

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangeLike(RouteId id, IGrainFactory grains, HttpContext http, bool like)
    {
        var postId = id.Value;

        var post = grains.GetGrain<IPostGrain>(postId);
        var result = like ? await post.AddLike(Caller(http)) : await post.RemoveLike(Caller(http));
        return result.Succeeded ? TypedResults.NoContent() : Problems.Refused(result);
    }

    public static async Task<Results<Created<PostResponse>, ValidationProblem, ProblemHttpResult>> CreatePost(
        CreatePostRequest request, IGrainFactory grains, HttpContext http)
    {
        var errors = new Dictionary<string, string[]>();
        Input.Text(errors, "body", request.Body, 1, MaxBodyLength, required: true, multiline: true);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (!Idempotency.TryRead(http.Request, out var key, out var problem))
        {
            return problem!;
        }

        CacheHeaders.NoStore(http.Response);
        var caller = Caller(http);
        var idempotency = key is null ? null : new IdempotencyKey($"posts:{caller:N}", key, Idempotency.Fingerprint(request.Body));
        // Fixed for the request, so that when the cluster loses a silo mid-call and the gateway runs this
        // handler again, the post's own key keeps it from being created twice: an Idempotency-Key the
        // gateway adds by itself, at no cost.
        var id = Failover.Once(http, "actors.post.id", Guid.CreateVersion7);
        return await Idempotency.CreateOnceAsync<Results<Created<PostResponse>, ValidationProblem, ProblemHttpResult>>(
            grains, http.Response, idempotency,
            create: async () =>
            {
                var result = await grains.GetGrain<IUserGrain>(caller).CreatePost(id, request.Body!, idempotency);
                if (result.ErrorCode == ErrorCodes.PostExists && Failover.IsRepeat(http)
                    && await grains.GetGrain<IPostGrain>(id).GetPost() is { } earlier && earlier.AuthorId == caller && earlier.Body == request.Body)
                {
                    // The earlier run created it; its answer was lost with the silo.
                    return (null, TypedResults.Created($"/api/posts/{id}", PostResponse.From(earlier, PostField.All)));
                }

                return (result.ErrorCode, result.Succeeded
                    ? TypedResults.Created($"/api/posts/{id}", PostResponse.From(result.Value!, PostField.All))
                    : Problems.Refused(result));
            },
            replay: async created => await grains.GetGrain<IPostGrain>(created).GetPost() is { } post
                ? TypedResults.Created($"/api/posts/{post.Id}", PostResponse.From(post, PostField.All))
                : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.PostNotFound, "The post this key created was deleted."),
            problem: refusal => refusal);
    }

    public static async Task<Results<JsonPayload<PostResponse>, StatusCodeHttpResult, ProblemHttpResult>> GetPost(
        RouteId id, [FromServices] NearCache cache, ViewCounter views, HttpContext http, FieldSet<PostField>? fields)
    {
        var postId = id.Value;

        var selected = fields?.Value ?? PostField.All;

        var post = await cache.GetPostAsync(postId);
        if (post is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.PostNotFound, "No such post.");
        }

        views.Count(postId);
        CacheHeaders.Post(http.Response);
        return UsersApi.NotModifiedOr(http, ETags.For(post, selected), () => JsonPayload.Of(PostResponse.From(post, selected)));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeletePost(RouteId id, IGrainFactory grains, HttpContext http)
    {
        var postId = id.Value;

        // Posts are never edited, so their version is fixed: checking If-Match against the current
        // post here cannot race with a change.
        var grain = grains.GetGrain<IPostGrain>(postId);
        if (http.Request.Headers.IfMatch.Count > 0 && await grain.GetPost() is { } current
            && !ETags.Matches(http.Request, ETags.VersionOf(current)))
        {
            return Problems.Of(StatusCodes.Status412PreconditionFailed, Problems.PreconditionFailed,
                "The post is not the version If-Match names.");
        }

        var result = await grain.Delete(Caller(http));
        // Gone on a second run: the first one deleted it (only its author can), and lost its answer.
        return result.Succeeded || (result.ErrorCode == ErrorCodes.PostNotFound && Failover.IsRepeat(http))
            ? TypedResults.NoContent()
            : Problems.Refused(result);
    }

    // These endpoints require authorization, and the gateway signs only tokens whose subject is a user id.
    private static Guid Caller(HttpContext http) =>
        http.User.UserId() ?? throw new InvalidOperationException("An authorized request carries no user id.");
}
