using Actors.Gateway.Auth;
using Actors.Grains.Paging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

internal static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/sessions").WithTags("Sessions")
            .MapPost("/", LogIn).WithName("LogIn").WithSummary("Exchange email and password for a bearer token.");
        return endpoints;
    }

    public static async Task<Results<Ok<SessionResponse>, ValidationProblem, ProblemHttpResult>> LogIn(
        SessionRequest request, IGrainFactory grains, PasswordHasher hasher, TokenIssuer tokens)
    {
        var errors = new Dictionary<string, string[]>();
        Input.Email(errors, "email", request.Email, required: true);
        Input.Password(errors, "password", request.Password);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
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
