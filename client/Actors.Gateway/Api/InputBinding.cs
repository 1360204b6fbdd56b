using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

/// <summary>
/// Answers route and query values that did not bind (a malformed id, limit, cursor or field list) with
/// the problem their <see cref="IBoundInput{TSelf}"/> type names, before the handler runs. Minimal APIs
/// run endpoint filters, not the handler, when a parameter fails to bind, with the status already 400:
/// only then are raw values looked at again. Endpoints without such parameters run without the filter.
/// </summary>
internal static class InputBinding
{
    public static RouteGroupBuilder BindsInput(this RouteGroupBuilder group)
    {
        group.AddEndpointFilterFactory(Create);
        return group;
    }

    private sealed record Check(string Name, Func<string, bool> Accepts, Func<string, ProblemHttpResult> Refuse);

    private static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var checks = context.MethodInfo.GetParameters()
            .Select(CheckFor)
            .OfType<Check>()
            .ToArray();
        if (checks.Length == 0)
        {
            return next;
        }

        return invocation => Refusal(invocation.HttpContext, checks) is { } problem
            ? ValueTask.FromResult<object?>(problem)
            : next(invocation);
    }

    private static ProblemHttpResult? Refusal(HttpContext http, Check[] checks)
    {
        var failed = http.Response.StatusCode == StatusCodes.Status400BadRequest;
        foreach (var check in checks)
        {
            if (http.Request.RouteValues.TryGetValue(check.Name, out var value))
            {
                if (failed && value is string raw && !check.Accepts(raw))
                {
                    return check.Refuse(raw);
                }
            }
            else if (http.Request.Query.TryGetValue(check.Name, out var values))
            {
                // An empty value binds as absent; the API refuses it like any other malformed one.
                var raw = values.ToString();
                if ((failed || raw.Length == 0) && !check.Accepts(raw))
                {
                    return check.Refuse(raw);
                }
            }
        }

        return null;
    }

    private static Check? CheckFor(ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        if (!type.IsValueType || !type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IBoundInput<>)))
        {
            return null;
        }

        var make = typeof(InputBinding).GetMethod(nameof(Make), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
        return (Check)make.Invoke(null, [parameter.Name!])!;
    }

    private static Check Make<T>(string name)
        where T : struct, IBoundInput<T> =>
        new(name, raw => T.TryParse(raw, out _), T.Refuse);
}
