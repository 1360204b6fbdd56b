using System.Globalization;
using System.Text;

namespace Actors.Gateway.Api;

/// <summary>Field rules shared by every endpoint. Text is measured in Unicode scalar values, not UTF-16 units.</summary>
internal static class Input
{
    public static void Handle(Dictionary<string, string[]> errors, string field, string? value, bool required)
    {
        if (value is null)
        {
            Require(errors, field, required);
            return;
        }

        if (value.Length is < 3 or > 30 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            errors[field] = ["3 to 30 characters: letters, digits and underscore."];
        }
    }

    public static void Email(Dictionary<string, string[]> errors, string field, string? value, bool required)
    {
        if (value is null)
        {
            Require(errors, field, required);
            return;
        }

        if (!IsPlainEmail(value))
        {
            errors[field] = ["A valid email address (name@domain.tld) of at most 254 characters."];
        }
    }

    // The everyday form only: a dot-atom local part and a dotted domain of letters, digits and hyphens.
    // Quoted local parts, comments and IP-literal domains are valid RFC 5322 but only ever seen in abuse.
    private static bool IsPlainEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (value.Length > 254 || at is < 1 or > 64 || at != value.LastIndexOf('@'))
        {
            return false;
        }

        var local = value.AsSpan(0, at);
        var domain = value.AsSpan(at + 1);
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal)
            || local.ContainsAnyExcept(LocalChars) || domain.IndexOf('.') < 1)
        {
            return false;
        }

        foreach (var label in domain.ToString().Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || label.AsSpan().ContainsAnyExcept(DomainChars))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly System.Buffers.SearchValues<char> LocalChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-");

    private static readonly System.Buffers.SearchValues<char> DomainChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    public static void Text(Dictionary<string, string[]> errors, string field, string? value, int min, int max, bool required, bool multiline)
    {
        if (value is null)
        {
            Require(errors, field, required);
            return;
        }

        if (!IsWellFormed(value, multiline, out var length))
        {
            errors[field] = ["Contains control characters or invalid Unicode."];
        }
        else if (length < min || length > max || (min > 0 && string.IsNullOrWhiteSpace(value)))
        {
            errors[field] = [min > 0 ? $"{min} to {max} characters, not only spaces." : $"At most {max} characters."];
        }
    }

    public static void Password(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (value is null)
        {
            Require(errors, field, required: true);
        }
        else if (!IsWellFormed(value, multiline: false, out var length) || length is < 8 or > 128)
        {
            errors[field] = ["8 to 128 characters, no control characters."];
        }
    }

    private static void Require(Dictionary<string, string[]> errors, string field, bool required)
    {
        if (required)
        {
            errors[field] = ["Required."];
        }
    }

    // Rejects lone surrogates (not storable as UTF-8), NUL and other control characters (only line
    // breaks and tabs in multi-line text), and counts scalar values on the way.
    private static bool IsWellFormed(string value, bool multiline, out int length)
    {
        length = 0;
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.Control && !(multiline && rune.Value is '\n' or '\r' or '\t'))
            {
                return false;
            }

            length++;
            rest = rest[consumed..];
        }

        return true;
    }

    public static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
