using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

/// <summary><c>?limit=</c>: how many items a page holds, 1 to <see cref="Max"/>; absent means <see cref="Default"/>.</summary>
internal readonly record struct PageLimit(int Value) : IBoundInput<PageLimit>
{
    public const int Default = 20;
    public const int Max = 100;

    public static bool TryParse(string? value, out PageLimit result)
    {
        var parsed = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= Max;
        result = new PageLimit(size);
        return parsed;
    }

    public static ProblemHttpResult Refuse(string raw) =>
        Problems.BadRequest(Problems.InvalidLimit, $"limit must be between 1 and {Max}.");
}
