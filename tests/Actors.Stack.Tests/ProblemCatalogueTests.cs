using System.Reflection;
using System.Text.RegularExpressions;
using Actors.Gateway.Api;
using Actors.Grains.Abstractions;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

/// <summary>
/// One catalogue of problem codes: every code is a constant (the gateway's Problems or the grains'
/// ErrorCodes), and docs/http-api.md lists exactly those codes, no more and no fewer.
/// </summary>
public sealed partial class ProblemCatalogueTests
{
    [Fact]
    public void The_api_documentation_lists_exactly_the_codes_the_code_defines()
    {
        var defined = Codes(typeof(Problems)).Concat(Codes(typeof(ErrorCodes))).ToHashSet();
        var documentation = File.ReadAllLines(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "http-api.md"));
        var documented = documentation.Where(l => l.StartsWith("| `", StringComparison.Ordinal) && ErrorRow().IsMatch(l))
            .SelectMany(l => CodeName().Matches(l.Split('|')[1]).Select(m => m.Groups[1].Value))
            .ToHashSet();

        Assert.Empty(defined.Except(documented).Order(StringComparer.Ordinal));
        Assert.Empty(documented.Except(defined).Order(StringComparer.Ordinal));
    }

    private static IEnumerable<string> Codes(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    // A row of the error-code table: "| `code`, `code` | status | meaning |".
    [GeneratedRegex(@"^\| `[a-z_]+`(, `[a-z_]+`)* \| \d{3} \|")]
    private static partial Regex ErrorRow();

    [GeneratedRegex("`([a-z_]+)`")]
    private static partial Regex CodeName();
}
