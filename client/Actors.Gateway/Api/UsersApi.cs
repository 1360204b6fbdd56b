using Actors.Gateway.Auth;
using Actors.Gateway.Caching;
using Actors.Gateway.Hosting;
using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Paging;
using Actors.Grains.Abstractions.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Actors.Gateway.Api;

internal static class UsersApi
{
    /// <summary>What a confirmation answers about its welcome email: sent in the background, after the reply.</summary>
    private const string WelcomeEmailQueued = "queued";

    /// <summary>What a sign-up answers, whatever the email: a mail is on its way to the address.</summary>
    private const string ConfirmationSent = "confirmation_sent";

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapGroup("/api/users").WithTags("Users").WithCommonProblems().BindsInput().FailsOver();
        users.MapPost("/", SignUp).RequireRateLimiting(RateLimits.SignUpPolicy).WithName("SignUp")
            .WithSummary("Ask for an account; it is created when the link mailed to the address is followed.")
            .WithDescription(Problems.Describe("Answers 202 alike whether or not the email already has an account (that address "
                + "gets a mail saying so instead of a link), so a sign-up reveals no one's email. Honours Idempotency-Key.",
                Problems.ValidationFailed, Problems.BadRequestCode, Problems.InvalidIdempotencyKey, ErrorCodes.HandleTaken, Problems.IdempotencyKeyReused))
            .Produces<SignUpAcceptedResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        users.MapPost("/confirmations", ConfirmSignUp).RequireRateLimiting(RateLimits.SignUpPolicy).WithName("ConfirmSignUp")
            .WithSummary("Create the account a confirmation mail's token stands for.")
            .WithDescription(Problems.Describe("A token works once, until it expires. An email or handle taken since the sign-up is a 409: sign up "
                + "again.",
                Problems.ValidationFailed, Problems.BadRequestCode, ErrorCodes.SignUpNotFound, ErrorCodes.EmailTaken, ErrorCodes.HandleTaken))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        users.MapGet("/", ListUsers).WithName("ListUsers").WithSummary("All users in sign-up order, one page at a time.")
            .WithDescription(Problems.Describe("Keyset-paginated (?limit=1..100, ?cursor=), projectable (?fields=). ETag; 304 on If-None-Match.",
                Problems.InvalidLimit, Problems.InvalidCursor, Problems.InvalidFields))
            .Produces(StatusCodes.Status304NotModified);
        users.MapGet("/{id}", GetUser).WithName("GetUser").WithSummary("A profile; the email only for its owner.")
            .WithDescription(Problems.Describe("Projectable (?fields=). ETag; 304 on If-None-Match.",
                Problems.InvalidId, Problems.InvalidFields, ErrorCodes.UserNotFound))
            .Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPatch("/{id}", UpdateUser).RequireAuthorization().WithName("UpdateUser")
            .WithSummary("Edit your own profile; send If-Match to refuse a stale edit.")
            .WithDescription(Problems.Describe("",
                Problems.ValidationFailed, Problems.InvalidId, Problems.Unauthorized, Problems.NotOwner, ErrorCodes.UserNotFound,
                ErrorCodes.EmailTaken, ErrorCodes.HandleTaken, ErrorCodes.VersionMismatch))
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        users.MapGet("/{id}/posts", ListUserPosts).WithName("ListUserPosts").WithSummary("A user's posts, newest first.")
            .WithDescription(Problems.Describe("Keyset-paginated, projectable. ETag; 304 on If-None-Match.",
                Problems.InvalidId, Problems.InvalidLimit, Problems.InvalidCursor, Problems.InvalidFields, ErrorCodes.UserNotFound))
            .Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPut("/{id}/following/{targetId}", Follow).RequireAuthorization().WithName("Follow")
            .WithSummary("Follow a user (idempotent).")
            .WithDescription(Problems.Describe("Only as yourself.",
                Problems.InvalidId, Problems.Unauthorized, Problems.NotOwner, ErrorCodes.UserNotFound, ErrorCodes.CannotFollowSelf))
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapDelete("/{id}/following/{targetId}", Unfollow).RequireAuthorization().WithName("Unfollow")
            .WithSummary("Stop following a user (idempotent).")
            .WithDescription(Problems.Describe("Only as yourself.",
                Problems.InvalidId, Problems.Unauthorized, Problems.NotOwner, ErrorCodes.UserNotFound, ErrorCodes.CannotFollowSelf))
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapGet("/{id}/followers", ListFollowers).WithName("ListFollowers").WithSummary("Who follows a user, in id order.")
            .WithDescription(Problems.Describe("Keyset-paginated, projectable. ETag; 304 on If-None-Match.",
                Problems.InvalidId, Problems.InvalidLimit, Problems.InvalidCursor, Problems.InvalidFields, ErrorCodes.UserNotFound))
            .Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        users.MapGet("/{id}/following", ListFollowing).WithName("ListFollowing").WithSummary("Whom a user follows, in id order.")
            .WithDescription(Problems.Describe("Keyset-paginated, projectable. ETag; 304 on If-None-Match.",
                Problems.InvalidId, Problems.InvalidLimit, Problems.InvalidCursor, Problems.InvalidFields, ErrorCodes.UserNotFound))
            .Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    public static Task<Results<NoContent, ProblemHttpResult>> Follow(RouteId id, RouteId targetId, IGrainFactory grains, HttpContext http) =>
        ChangeFollow(id, targetId, grains, http, follow: true);

    public static Task<Results<NoContent, ProblemHttpResult>> Unfollow(RouteId id, RouteId targetId, IGrainFactory grains, HttpContext http) =>
        ChangeFollow(id, targetId, grains, http, follow: false);

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangeFollow(
        RouteId id, RouteId targetId, IGrainFactory grains, HttpContext http, bool follow)
    {
        var userId = id.Value;

        var target = targetId.Value;

        if (http.User.UserId() != userId)
        {
            return Problems.Forbidden(Problems.NotOwner, "You can change only whom you follow.");
        }

        var grain = grains.GetGrain<IUserGrain>(userId);
        var result = follow ? await grain.Follow(target) : await grain.Unfollow(target);
        return result.Succeeded ? TypedResults.NoContent() : Problems.Refused(result);
    }

    public static Task<Results<JsonPayload<PageResponse<UserResponse>>, StatusCodeHttpResult, ProblemHttpResult>> ListFollowers(
        RouteId id, IGrainFactory grains, HttpContext http, PageLimit? limit, CursorToken? cursor, FieldSet<UserField>? fields) =>
        ListRelated(id, grains, http, limit, cursor, fields, (directory, user, after, size) => directory.ListFollowers(user, after, size));

    public static Task<Results<JsonPayload<PageResponse<UserResponse>>, StatusCodeHttpResult, ProblemHttpResult>> ListFollowing(
        RouteId id, IGrainFactory grains, HttpContext http, PageLimit? limit, CursorToken? cursor, FieldSet<UserField>? fields) =>
        ListRelated(id, grains, http, limit, cursor, fields, (directory, user, after, size) => directory.ListFollowing(user, after, size));

    private static async Task<Results<JsonPayload<PageResponse<UserResponse>>, StatusCodeHttpResult, ProblemHttpResult>> ListRelated(
        RouteId id, IGrainFactory grains, HttpContext http, PageLimit? limit, CursorToken? cursor, FieldSet<UserField>? fields,
        Func<IDirectoryGrain, Guid, PageCursor?, int, ValueTask<Page<UserProfile>>> list) =>
        await ListUserPage(grains, http, limit, cursor, fields, id.Value, (directory, after, size) => list(directory, id.Value, after, size));

    /// <summary>
    /// A page of users: paging and projection read, the cursor checked to belong to a user list, the
    /// <paramref name="owner"/> of the list (when there is one) checked to exist. Lists never show email.
    /// </summary>
    private static async Task<Results<JsonPayload<PageResponse<UserResponse>>, StatusCodeHttpResult, ProblemHttpResult>> ListUserPage(
        IGrainFactory grains, HttpContext http, PageLimit? limit, CursorToken? cursor, FieldSet<UserField>? fields, Guid? owner,
        Func<IDirectoryGrain, PageCursor?, int, ValueTask<Page<UserProfile>>> list)
    {
        var size = limit?.Value ?? PageLimit.Default;
        var after = cursor?.Position;
        var selected = fields?.Value ?? UserField.All;

        if (after is { Timestamp: not null })
        {
            return Problems.BadRequest(Problems.InvalidCursor, "cursor belongs to a different list.");
        }

        if (owner is { } user && await grains.GetGrain<IUserGrain>(user).GetProfile() is null)
        {
            return NotFound();
        }

        selected &= ~UserField.Email;
        var page = await list(grains.GetGrain<IDirectoryGrain>(0), after, size);
        var next = page.Next is { } last ? CursorToken.Encode(last) : null;
        CacheHeaders.List(http.Response);
        return NotModifiedOr(http, ETags.ForPage(page.Items, selected, next), () =>
            JsonPayload.Of(new PageResponse<UserResponse>([.. page.Items.Select(u => UserResponse.From(u, selected))], next)));
    }

    public static async Task<Results<Accepted<SignUpAcceptedResponse>, ValidationProblem, ProblemHttpResult>> SignUp(
        SignUpRequest request, IGrainFactory grains, PasswordHasher hasher, HttpContext http)
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

        if (!Idempotency.TryRead(http.Request, out var key, out var problem))
        {
            return problem!;
        }

        CacheHeaders.NoStore(http.Response);
        var displayName = request.DisplayName!.Trim();
        // The fingerprint leaves the password out (a fast hash of it must not be stored). A repeat is
        // answered like the first request, which reveals nothing either.
        var idempotency = key is null ? null
            : new IdempotencyKey("users", key, Idempotency.Fingerprint(request.Handle, request.Email, displayName));
        return await Idempotency.CreateOnceAsync<Results<Accepted<SignUpAcceptedResponse>, ValidationProblem, ProblemHttpResult>>(
            grains, http.Response, idempotency,
            create: async () =>
            {
                // Hashed whether or not the email has an account: both cost the same.
                var user = new NewUser(request.Handle!, request.Email!, displayName, await hasher.HashAsync(request.Password!, http.RequestAborted));
                var result = await grains.GetGrain<IUserGrain>(Guid.CreateVersion7()).RequestSignUp(user, SignUpToken.NewSecret(), idempotency);
                return (result.ErrorCode, result.Succeeded ? Accepted() : Problems.Refused(result));
            },
            replay: _ => Task.FromResult<Results<Accepted<SignUpAcceptedResponse>, ValidationProblem, ProblemHttpResult>>(Accepted()),
            problem: refusal => refusal);
    }

    private static Accepted<SignUpAcceptedResponse> Accepted() =>
        TypedResults.Accepted((string?)null, new SignUpAcceptedResponse(ConfirmationSent));

    public static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> ConfirmSignUp(
        ConfirmSignUpRequest request, IGrainFactory grains, HttpContext http)
    {
        if (string.IsNullOrEmpty(request.Token))
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["token"] = ["Send the token of the confirmation mail."] });
        }

        CacheHeaders.NoStore(http.Response);
        // A malformed token opens nothing, like a wrong one.
        if (!SignUpToken.TryDecode(request.Token, out var id, out var secret))
        {
            return SignUpNotFound();
        }

        var result = await grains.GetGrain<IUserGrain>(id).ConfirmSignUp(secret);
        if (result is { Succeeded: false, Status: WriteStatus.NotFound })
        {
            return SignUpNotFound();
        }

        return result.Succeeded
            ? TypedResults.Created($"/api/users/{id}", UserResponse.From(result.Value!, UserField.All) with { WelcomeEmail = WelcomeEmailQueued })
            : Problems.Refused(result);
    }

    private static ProblemHttpResult SignUpNotFound() =>
        Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.SignUpNotFound, "No sign-up waits for this token.",
            "It was used already, or it expired. Log in, or sign up again.");

    public static Task<Results<JsonPayload<PageResponse<UserResponse>>, StatusCodeHttpResult, ProblemHttpResult>> ListUsers(
        IGrainFactory grains, HttpContext http, PageLimit? limit, CursorToken? cursor, FieldSet<UserField>? fields) =>
        ListUserPage(grains, http, limit, cursor, fields, owner: null, (directory, after, size) => directory.ListUsers(after, size));

    public static async Task<Results<JsonPayload<UserResponse>, StatusCodeHttpResult, ProblemHttpResult>> GetUser(
        RouteId id, [FromServices] NearCache cache, HttpContext http, FieldSet<UserField>? fields)
    {
        var userId = id.Value;

        var selected = fields?.Value ?? UserField.All;

        var profile = await cache.GetProfileAsync(userId);
        if (profile is null)
        {
            return NotFound();
        }

        var owner = http.User.UserId() == userId;
        if (!owner)
        {
            selected &= ~UserField.Email;
        }

        CacheHeaders.Profile(http.Response, owner);
        return NotModifiedOr(http, ETags.For(profile, selected), () => JsonPayload.Of(UserResponse.From(profile, selected)));
    }

    public static async Task<Results<JsonPayload<UserResponse>, ValidationProblem, ProblemHttpResult>> UpdateUser(
        RouteId id, UpdateProfileRequest request, IGrainFactory grains, HttpContext http)
    {
        var userId = id.Value;

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
        var changes = new ProfileChanges(request.Handle, request.Email, request.DisplayName?.Trim(), request.Bio);
        var grain = grains.GetGrain<IUserGrain>(userId);
        var result = await grain.Update(changes, expected);
        if (result.Status == WriteStatus.VersionMismatch && Failover.IsRepeat(http) && expected is { } version
            && await grain.GetProfile() is { } current && current.Version == version + 1 && Shows(current, changes))
        {
            // The first run made this very edit and lost its answer with the silo: the edit stands.
            result = WriteResult.Ok(current);
        }

        if (!result.Succeeded)
        {
            return Problems.Refused(result);
        }

        CacheHeaders.Profile(http.Response, ownerView: true);
        http.Response.Headers.ETag = ETags.For(result.Value!, UserField.All);
        return JsonPayload.Of(UserResponse.From(result.Value!, UserField.All));
    }

    private static bool Shows(UserProfile profile, ProfileChanges changes) =>
        (changes.Handle is null || changes.Handle == profile.Handle) && (changes.Email is null || changes.Email == profile.Email)
        && (changes.DisplayName is null || changes.DisplayName == profile.DisplayName) && (changes.Bio is null || changes.Bio == profile.Bio);

    public static async Task<Results<JsonPayload<PageResponse<PostResponse>>, StatusCodeHttpResult, ProblemHttpResult>> ListUserPosts(
        RouteId id, IGrainFactory grains, HttpContext http, PageLimit? limit, CursorToken? cursor, FieldSet<PostField>? fields)
    {
        var userId = id.Value;

        var size = limit?.Value ?? PageLimit.Default;
        var after = cursor?.Position;
        var selected = fields?.Value ?? PostField.All;

        if (after is { Timestamp: null })
        {
            return Problems.BadRequest(Problems.InvalidCursor, "cursor belongs to a different list.");
        }

        if (await grains.GetGrain<IUserGrain>(userId).GetProfile() is null)
        {
            return NotFound();
        }

        var page = await grains.GetGrain<IDirectoryGrain>(0).ListPostsByAuthor(userId, after, size);
        var next = page.Next is { } last ? CursorToken.Encode(last) : null;
        CacheHeaders.List(http.Response);
        return NotModifiedOr(http, ETags.ForPage(page.Items, selected, next), () =>
            JsonPayload.Of(new PageResponse<PostResponse>([.. page.Items.Select(p => PostResponse.From(p, selected))], next)));
    }

    /// <summary>Sets the ETag and answers 304 without a body when the client already holds this version.</summary>
    internal static Results<JsonPayload<T>, StatusCodeHttpResult, ProblemHttpResult> NotModifiedOr<T>(
        HttpContext http, string etag, Func<JsonPayload<T>> body)
    {
        http.Response.Headers.ETag = etag;
        return ETags.NoneMatch(http.Request, etag) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : body();
    }

    private static ProblemHttpResult NotFound() =>
        Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.UserNotFound, "No such user.");
}
