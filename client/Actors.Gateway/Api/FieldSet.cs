using System.Collections.Frozen;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

/// <summary>
/// <c>?fields=a,b</c> projection: the client names the JSON properties it wants and receives only
/// those. Names are the camelCase property names; an unknown name is a 400 listing the valid ones.
/// Absent, every field is sent.
/// </summary>
internal readonly record struct FieldSet<TField>(TField Value) : IBoundInput<FieldSet<TField>>
    where TField : struct, Enum
{
    private static readonly FrozenDictionary<string, TField> ByName = Enum.GetValues<TField>()
        .Where(f => ToBits(f) is var bits && bits != 0 && (bits & (bits - 1)) == 0)
        .ToFrozenDictionary(f => JsonName(f.ToString()), StringComparer.Ordinal);

    private static readonly string Valid = string.Join(", ", ByName.Keys.Order(StringComparer.Ordinal));

    public static bool TryParse(string? value, out FieldSet<TField> result) => TryParse(value, out result, out _);

    public static ProblemHttpResult Refuse(string raw)
    {
        _ = TryParse(raw, out _, out var unknown);
        return Problems.BadRequest(Problems.InvalidFields,
            $"'{(unknown.Length > 40 ? unknown[..40] : unknown)}' is not a field. Valid fields: {Valid}.");
    }

    private static bool TryParse(string? value, out FieldSet<TField> result, out string unknown)
    {
        result = default;
        unknown = value ?? "";
        var bits = 0;
        foreach (var name in (value ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (!ByName.TryGetValue(name, out var field))
            {
                unknown = name;
                return false;
            }

            bits |= ToBits(field);
        }

        result = new FieldSet<TField>((TField)Enum.ToObject(typeof(TField), bits));
        return true;
    }

    private static int ToBits(TField field) => Convert.ToInt32(field, CultureInfo.InvariantCulture);

    private static string JsonName(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
