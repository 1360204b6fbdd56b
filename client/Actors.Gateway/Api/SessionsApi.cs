using Actors.Gateway.Auth;
using Actors.Gateway.Hosting;
using Actors.Grains.Paging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

internal static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/sessions").WithTags("Sessions").WithCommonProblems()
            .MapPost("/", LogIn).WithName("LogIn").WithSummary("Exchange email and password for a bearer token.")
            .WithDescription("Attempts per account are throttled. Problem codes: validation_failed, invalid_credentials, rate_limited.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return endpoints;
    }

    public static async Task<Results<Ok<SessionResponse>, ValidationProblem, ProblemHttpResult, EmptyHttpResult>> LogIn(
        SessionRequest request, IGrainFactory grains, PasswordHasher hasher, TokenIssuer tokens, LoginThrottle throttle, HttpContext http)
    {
        CacheHeaders.NoStore(http.Response);
        var errors = new Dictionary<string, string[]>();
        Input.Email(errors, "email", request.Email, required: true);
        Input.Password(errors, "password", request.Password);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        using var attempt = throttle.TryAcquire(request.Email!);
        if (!attempt.IsAcquired)
        {
            await RateLimits.Reject(http, attempt);
            return TypedResults.Empty;
        }

        var credentials = await grains.GetGrain<IDirectoryGrain>(0).FindCredentials(request.Email!);
        // One answer for "no such email" and "wrong password": which emails exist is nobody's business.
        if (!hasher.Verify(request.Password!, credentials?.PasswordHash) || credentials is null)
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, Problems.InvalidCredentials, "Email or password is wrong.");
        }

        var (token, expiresAt) = tokens.Issue(credentials.UserId);
        return TypedResults.Ok(new SessionResponse(token, credentials.UserId, expiresAt));
    }
}
