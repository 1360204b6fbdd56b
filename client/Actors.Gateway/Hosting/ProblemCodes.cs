using Actors.Gateway.Api;

namespace Actors.Gateway.Hosting;

internal static class ProblemCodes
{
    /// <summary>
    /// Gives every problem response a code, also those the framework writes itself (malformed JSON,
    /// missing token, unknown route), so clients can always switch on <c>code</c>.
    /// </summary>
    public static IServiceCollection AddActorsProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var extensions = context.ProblemDetails.Extensions;
            if (!extensions.ContainsKey("code"))
            {
                extensions["code"] = context.ProblemDetails.Status switch
                {
                    StatusCodes.Status400BadRequest => Problems.BadRequestCode,
                    StatusCodes.Status401Unauthorized => Problems.Unauthorized,
                    StatusCodes.Status403Forbidden => Problems.ForbiddenCode,
                    StatusCodes.Status404NotFound => Problems.NotFoundCode,
                    StatusCodes.Status405MethodNotAllowed => Problems.MethodNotAllowed,
                    StatusCodes.Status413PayloadTooLarge => Problems.PayloadTooLarge,
                    StatusCodes.Status415UnsupportedMediaType => Problems.UnsupportedMediaType,
                    _ => Problems.InternalError,
                };
            }
        });
}
