using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Users;

namespace Actors.Grains.Tests;

/// <summary>Fresh, unique test data, so tests never share rows and can run in any order.</summary>
internal static class Fresh
{
    public static NewUser User(string? email = null)
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        return new NewUser($"u_{tag}", email ?? $"{tag}@example.test", $"User {tag}", "pbkdf2-sha256$1$c2FsdA==$aGFzaA==");
    }

    public static Guid Id() => Guid.CreateVersion7();

    /// <summary>Signs up and confirms at once, as the owner of the mailbox would: the account exists after it.</summary>
    public static async Task<WriteResult<UserProfile>> SignUpAsync(this IUserGrain grain, NewUser user)
    {
        var secret = SignUpToken.NewSecret();
        var requested = await grain.RequestSignUp(user, secret, null);
        return requested.Succeeded
            ? await grain.ConfirmSignUp(secret)
            : WriteResult.Refused<UserProfile>(requested.Status, requested.ErrorCode!);
    }
}
