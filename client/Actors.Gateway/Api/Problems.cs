using Actors.Grains.Abstractions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

/// <summary>RFC 9457 problem responses, each with a stable <c>code</c> extension: the catalogue, listed in docs/http-api.md.</summary>
internal static class Problems
{
    public const string ValidationFailed = "validation_failed";
    public const string InvalidId = "invalid_id";
    public const string InvalidCursor = "invalid_cursor";
    public const string InvalidLimit = "invalid_limit";
    public const string InvalidFields = "invalid_fields";
    public const string InvalidCredentials = "invalid_credentials";
    public const string NotOwner = "not_owner";
    public const string PreconditionFailed = "precondition_failed";
    public const string RateLimited = "rate_limited";
    public const string InvalidIdempotencyKey = "invalid_idempotency_key";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string DatabaseUnavailable = "database_unavailable";
    public const string ClusterUnavailable = "cluster_unavailable";
    public const string ServerBusy = "server_busy";
    public const string BadRequestCode = "bad_request";
    public const string Unauthorized = "unauthorized";
    public const string ForbiddenCode = "forbidden";
    public const string NotFoundCode = "not_found";
    public const string ConflictCode = "conflict";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string InternalError = "internal_error";
    public const string InvalidSize = "invalid_size";
    public const string AvatarNotFound = "avatar_not_found";
    public const string AvatarProcessing = "avatar_processing";
    public const string AvatarRejected = "avatar_rejected";

    /// <summary>
    /// An endpoint's description with the problem codes it may answer, named by their constants (here
    /// and in <see cref="ErrorCodes"/>), so the OpenAPI document lists exactly the codes the code uses.
    /// </summary>
    public static string Describe(string description, params string[] codes) =>
        codes.Length == 0 ? description : $"{description.TrimEnd()} Problem codes: {string.Join(", ", codes)}.".TrimStart();

    /// <summary>Documents what any endpoint may answer: 400 (malformed request), 429 (rate limited), 503 (dependency down).</summary>
    public static RouteGroupBuilder WithCommonProblems(this RouteGroupBuilder group) => group
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static ProblemHttpResult Of(int status, string code, string title, string? detail = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ProblemHttpResult BadRequest(string code, string detail) =>
        Of(StatusCodes.Status400BadRequest, code, "The request is not valid.", detail);

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "One or more fields are not valid.",
            extensions: new Dictionary<string, object?> { ["code"] = ValidationFailed });

    public static ProblemHttpResult Forbidden(string code, string detail) =>
        Of(StatusCodes.Status403Forbidden, code, "Not allowed.", detail);

    /// <summary>Maps a grain's refusal to its HTTP status, keeping the grain's reason as the code.</summary>
    public static ProblemHttpResult Refused<T>(WriteResult<T> result) => result.Status switch
    {
        WriteStatus.NotFound => Of(StatusCodes.Status404NotFound, result.ErrorCode ?? NotFoundCode, "Not found."),
        WriteStatus.Conflict => Of(StatusCodes.Status409Conflict, result.ErrorCode ?? ConflictCode, "Conflict.", ConflictDetail(result.ErrorCode)),
        WriteStatus.VersionMismatch => Of(StatusCodes.Status412PreconditionFailed, result.ErrorCode ?? PreconditionFailed,
            "The resource changed since it was read.", "Read it again and retry with the new ETag."),
        WriteStatus.Forbidden => Of(StatusCodes.Status403Forbidden, result.ErrorCode ?? ForbiddenCode, "Not allowed."),
        WriteStatus.Invalid => BadRequest(result.ErrorCode ?? ValidationFailed, "The request cannot be applied."),
        _ => throw new InvalidOperationException($"{result.Status} is not a refusal."),
    };

    private static string? ConflictDetail(string? code) => code switch
    {
        ErrorCodes.EmailTaken => "An account with this email already exists.",
        ErrorCodes.HandleTaken => "This handle is taken.",
        _ => null,
    };
}
