using Actors.Gateway.Auth;
using Actors.Grains;
using Actors.Grains.Posts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

internal static class PostsApi
{
    public const int MaxBodyLength = 500;

    public static IEndpointRouteBuilder MapPostsApi(this IEndpointRouteBuilder endpoints)
    {
        var posts = endpoints.MapGroup("/api/posts").WithTags("Posts");
        posts.MapPost("/", CreatePost).RequireAuthorization().WithName("CreatePost").WithSummary("Publish a post as the caller.");
        posts.MapGet("/{id}", GetPost).WithName("GetPost").WithSummary("A post.");
        posts.MapDelete("/{id}", DeletePost).RequireAuthorization().WithName("DeletePost").WithSummary("Delete your own post.");
        return endpoints;
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

        var id = Guid.CreateVersion7();
        var result = await grains.GetGrain<IPostGrain>(id).Create(Caller(http), request.Body!);
        return result.Succeeded
            ? TypedResults.Created($"/api/posts/{id}", PostResponse.From(result.Value!))
            : Problems.Refused(result);
    }

    public static async Task<Results<Ok<PostResponse>, StatusCodeHttpResult, ProblemHttpResult>> GetPost(
        string id, IGrainFactory grains, HttpContext http)
    {
        if (!Input.TryParseId(id, out var postId))
        {
            return Input.BadId(id);
        }

        var post = await grains.GetGrain<IPostGrain>(postId).GetPost();
        if (post is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.PostNotFound, "No such post.");
        }

        var etag = ETags.For(post);
        http.Response.Headers.ETag = etag;
        return ETags.NoneMatch(http.Request, etag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(PostResponse.From(post));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeletePost(string id, IGrainFactory grains, HttpContext http)
    {
        if (!Input.TryParseId(id, out var postId))
        {
            return Input.BadId(id);
        }

        var result = await grains.GetGrain<IPostGrain>(postId).Delete(Caller(http));
        return result.Succeeded ? TypedResults.NoContent() : Problems.Refused(result);
    }

    // These endpoints require authorization, and the gateway signs only tokens whose subject is a user id.
    private static Guid Caller(HttpContext http) =>
        http.User.UserId() ?? throw new InvalidOperationException("An authorized request carries no user id.");
}
