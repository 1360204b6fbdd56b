using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

/// <summary>An id in a route: a GUID in its canonical form only (8-4-4-4-12 hex digits), so an entity has one URL.</summary>
internal readonly record struct RouteId(Guid Value) : IBoundInput<RouteId>
{
    public static bool TryParse(string? value, out RouteId result)
    {
        var parsed = Guid.TryParseExact(value, "D", out var id);
        result = new RouteId(id);
        return parsed;
    }

    public static ProblemHttpResult Refuse(string raw) =>
        Problems.BadRequest(Problems.InvalidId, $"'{Input.Truncate(raw)}' is not a valid id.");
}
