using Actors.Gateway.Auth;
using Actors.Gateway.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

internal static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/sessions").WithTags("Sessions").WithCommonProblems().FailsOver()
            // Logging in changes nothing a second run could double.
            .MapPost("/", LogIn).WithMetadata(new Failover.RetrySafe()).WithName("LogIn").WithSummary("Exchange email and password for a bearer token.")
            .WithDescription(Problems.Describe("Attempts per account and per caller address are throttled; password checks beyond what the gateway "
                + "can hash at once are shed.",
                Problems.ValidationFailed, Problems.InvalidCredentials, Problems.RateLimited, Problems.ServerBusy))
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

        using var attempt = throttle.TryAcquire(request.Email!, http.Connection.RemoteIpAddress);
        if (!attempt.IsAcquired)
        {
            await RateLimits.Reject(http, attempt);
            return TypedResults.Empty;
        }

        // One answer for "no such email" and "wrong password": which emails exist is nobody's business.
        if (await hasher.VerifyAsync(grains, request.Email!, request.Password!, http.RequestAborted) is not { } userId)
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, Problems.InvalidCredentials, "Email or password is wrong.");
        }

        var (token, expiresAt) = tokens.Issue(userId);
        return TypedResults.Ok(new SessionResponse(token, userId, expiresAt));
    }
}
