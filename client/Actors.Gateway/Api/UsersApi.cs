using Actors.Gateway.Auth;
using Actors.Grains;
using Actors.Grains.Paging;
using Actors.Grains.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

internal static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapGroup("/api/users").WithTags("Users");
        users.MapPost("/", SignUp).WithName("SignUp").WithSummary("Create an account.");
        users.MapGet("/", ListUsers).WithName("ListUsers").WithSummary("All users in sign-up order, one page at a time.");
        users.MapGet("/{id}", GetUser).WithName("GetUser").WithSummary("A profile; the email only for its owner.");
        users.MapPatch("/{id}", UpdateUser).RequireAuthorization().WithName("UpdateUser")
            .WithSummary("Edit your own profile; send If-Match to refuse a stale edit.");
        users.MapGet("/{id}/posts", ListUserPosts).WithName("ListUserPosts").WithSummary("A user's posts, newest first.");
        return endpoints;
    }

    public static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> SignUp(
        SignUpRequest request, IGrainFactory grains, PasswordHasher hasher)
    {
        var errors = new Dictionary<string, string[]>();
        Input.Handle(errors, "handle", request.Handle, required: true);
        Input.Email(errors, "email", request.Email, required: true);
        Input.Text(errors, "displayName", request.DisplayName, 1, 50, required: true, multiline: false);
        Input.Password(errors, "password", request.Password);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var id = Guid.CreateVersion7();
        var result = await grains.GetGrain<IUserGrain>(id)
            .SignUp(new NewUser(request.Handle!, request.Email!, request.DisplayName!.Trim(), hasher.Hash(request.Password!)));
        return result.Succeeded
            ? TypedResults.Created($"/api/users/{id}", UserResponse.From(result.Value!, includeEmail: true))
            : Problems.Refused(result);
    }

    public static async Task<Results<Ok<PageResponse<UserResponse>>, ProblemHttpResult>> ListUsers(
        IGrainFactory grains, int? limit, string? cursor)
    {
        if (!Input.TryReadPaging(limit, cursor, out var size, out var after, out var problem))
        {
            return problem!;
        }

        if (after is { Timestamp: not null })
        {
            return Problems.BadRequest(Problems.InvalidCursor, "cursor belongs to a different list.");
        }

        var page = await grains.GetGrain<IDirectoryGrain>(0).ListUsers(after, size);
        return TypedResults.Ok(new PageResponse<UserResponse>(
            [.. page.Items.Select(u => UserResponse.From(u, includeEmail: false))], page.Next?.Encode()));
    }

    public static async Task<Results<Ok<UserResponse>, StatusCodeHttpResult, ProblemHttpResult>> GetUser(
        string id, IGrainFactory grains, HttpContext http)
    {
        if (!Input.TryParseId(id, out var userId))
        {
            return Input.BadId(id);
        }

        var profile = await grains.GetGrain<IUserGrain>(userId).GetProfile();
        if (profile is null)
        {
            return NotFound();
        }

        var owner = http.User.UserId() == userId;
        var etag = ETags.For(profile, owner);
        http.Response.Headers.ETag = etag;
        return ETags.NoneMatch(http.Request, etag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(UserResponse.From(profile, owner));
    }

    public static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> UpdateUser(
        string id, UpdateProfileRequest request, IGrainFactory grains, HttpContext http)
    {
        if (!Input.TryParseId(id, out var userId))
        {
            return Input.BadId(id);
        }

        if (http.User.UserId() != userId)
        {
            return Problems.Forbidden(Problems.NotOwner, "You can edit only your own profile.");
        }

        var errors = new Dictionary<string, string[]>();
        Input.Handle(errors, "handle", request.Handle, required: false);
        Input.Email(errors, "email", request.Email, required: false);
        Input.Text(errors, "displayName", request.DisplayName, 1, 50, required: false, multiline: false);
        Input.Text(errors, "bio", request.Bio, 0, 160, required: false, multiline: true);
        if (request is { Handle: null, Email: null, DisplayName: null, Bio: null })
        {
            errors[""] = ["Send at least one of handle, email, displayName, bio."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var expected = ETags.ExpectedUserVersion(http.Request);
        var result = await grains.GetGrain<IUserGrain>(userId)
            .Update(new ProfileChanges(request.Handle, request.Email, request.DisplayName?.Trim(), request.Bio), expected);
        if (!result.Succeeded)
        {
            return Problems.Refused(result);
        }

        http.Response.Headers.ETag = ETags.For(result.Value!, ownerView: true);
        return TypedResults.Ok(UserResponse.From(result.Value!, includeEmail: true));
    }

    public static async Task<Results<Ok<PageResponse<PostResponse>>, ProblemHttpResult>> ListUserPosts(
        string id, IGrainFactory grains, int? limit, string? cursor)
    {
        if (!Input.TryParseId(id, out var userId))
        {
            return Input.BadId(id);
        }

        if (!Input.TryReadPaging(limit, cursor, out var size, out var after, out var problem))
        {
            return problem!;
        }

        if (after is { Timestamp: null })
        {
            return Problems.BadRequest(Problems.InvalidCursor, "cursor belongs to a different list.");
        }

        if (await grains.GetGrain<IUserGrain>(userId).GetProfile() is null)
        {
            return NotFound();
        }

        var page = await grains.GetGrain<IDirectoryGrain>(0).ListPostsByAuthor(userId, after, size);
        return TypedResults.Ok(new PageResponse<PostResponse>([.. page.Items.Select(PostResponse.From)], page.Next?.Encode()));
    }

    private static ProblemHttpResult NotFound() =>
        Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.UserNotFound, "No such user.");
}
