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
                    StatusCodes.Status400BadRequest => "bad_request",
                    StatusCodes.Status401Unauthorized => "unauthorized",
                    StatusCodes.Status403Forbidden => "forbidden",
                    StatusCodes.Status404NotFound => "not_found",
                    StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
                    StatusCodes.Status413PayloadTooLarge => "payload_too_large",
                    StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
                    _ => "internal_error",
                };
            }
        });
}
