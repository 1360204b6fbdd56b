using Microsoft.AspNetCore.Http.HttpResults;

namespace Actors.Gateway.Api;

/// <summary>
/// A route or query value that binds itself (minimal APIs call <c>TryParse</c>) and explains its own
/// refusal. <see cref="InputBinding"/> turns a refusal into the problem response, so handlers receive
/// only valid values and never parse or refuse input themselves.
/// </summary>
internal interface IBoundInput<TSelf>
    where TSelf : struct, IBoundInput<TSelf>
{
    static abstract bool TryParse(string? value, out TSelf result);

    /// <summary>Why <paramref name="raw"/> was refused, as the 400 the client receives.</summary>
    static abstract ProblemHttpResult Refuse(string raw);
}
