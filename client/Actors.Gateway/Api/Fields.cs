using System.Collections.Frozen;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

/// <summary>
/// <c>?fields=a,b</c> projection: the client names the JSON properties it wants and receives only
/// those. Names are the camelCase property names; an unknown name is a 400 listing the valid ones.
/// </summary>
internal static class Fields<TField>
    where TField : struct, Enum
{
    private static readonly FrozenDictionary<string, TField> ByName = Enum.GetValues<TField>()
        .Where(f => Convert.ToInt32(f, System.Globalization.CultureInfo.InvariantCulture) is var bits && bits != 0 && (bits & (bits - 1)) == 0)
        .ToFrozenDictionary(f => JsonName(f.ToString()), StringComparer.Ordinal);

    private static readonly string Valid = string.Join(", ", ByName.Keys.Order(StringComparer.Ordinal));

    public static bool TryParse(string? query, TField all, out TField fields, out ProblemHttpResult? problem)
    {
        fields = all;
        problem = null;
        if (query is null)
        {
            return true;
        }

        var bits = 0;
        foreach (var name in query.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!ByName.TryGetValue(name, out var field))
            {
                problem = Problems.BadRequest(Problems.InvalidFields,
                    $"'{(name.Length > 40 ? name[..40] : name)}' is not a field. Valid fields: {Valid}.");
                return false;
            }

            bits |= Convert.ToInt32(field, System.Globalization.CultureInfo.InvariantCulture);
        }

        fields = (TField)Enum.ToObject(typeof(TField), bits);
        return true;
    }

    private static string JsonName(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
