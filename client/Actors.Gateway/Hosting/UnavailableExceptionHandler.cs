using System.Globalization;
using Actors.Gateway.Api;
using Actors.Gateway.Auth;
using Actors.Grains.Abstractions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Hosting;

/// <summary>
/// Turns "a dependency is down" into 503 with Retry-After: the database (reported by grains) or the
/// cluster itself (any <see cref="ClusterFailures"/>: no silo reachable, a silo lost mid-call, no answer
/// in time, a call that could not be placed), or this gateway shedding load it cannot take
/// (<see cref="ServerBusyException"/>). Anything else is a genuine 500.
/// </summary>
internal sealed partial class UnavailableExceptionHandler(
    IProblemDetailsService problems, IOptions<GatewayOptions> options, ILogger<UnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var code = exception switch
        {
            StoreUnavailableException => Problems.DatabaseUnavailable,
            ServerBusyException => Problems.ServerBusy,
            _ when ClusterFailures.Is(exception, httpContext) => Problems.ClusterUnavailable,
            _ => null,
        };
        if (code is null)
        {
            return false;
        }

        LogUnavailable(logger, code, exception.GetType().Name, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Temporarily unavailable; retry later.",
                Detail = OutcomeUnknown(httpContext, exception)
                    ? "The change may or may not have been saved: retry with the same Idempotency-Key, or read before retrying."
                    : null,
                Extensions = { ["code"] = code },
            },
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a change may have been made: the database said so, or a write's grain call failed in a way
    /// that does not prove it never ran (the grain may have committed before the answer was lost).
    /// </summary>
    private static bool OutcomeUnknown(HttpContext http, Exception exception) => exception switch
    {
        StoreUnavailableException store => store.OutcomeUnknown,
        _ when ClusterFailures.Is(exception, http) => !ClusterFailures.NotRun(exception, http)
            && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answering 503 {Code}: {ExceptionType}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string code, string exceptionType, string reason);
}
