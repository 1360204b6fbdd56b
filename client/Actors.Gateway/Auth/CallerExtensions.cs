using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Actors.Gateway.Auth;

internal static class CallerExtensions
{
    /// <summary>The authenticated user's id, or null for an anonymous caller.</summary>
    public static Guid? UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(JwtRegisteredClaimNames.Sub), out var id) ? id : null;
}
