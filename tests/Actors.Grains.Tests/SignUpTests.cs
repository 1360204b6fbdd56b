using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Users;
using Actors.Testing;

namespace Actors.Grains.Tests;

/// <summary>
/// A sign-up waits for its email to be confirmed, and asking reveals nothing: an email that has an
/// account gets the same answer, no pending row and a mail without a link.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class SignUpTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_request_creates_no_account_until_its_token_confirms_it()
    {
        var id = Fresh.Id();
        var user = Fresh.User();
        var secret = SignUpToken.NewSecret();
        var grain = fixture.Grains.GetGrain<IUserGrain>(id);

        var requested = await grain.RequestSignUp(user, secret, null);

        Assert.Equal(WriteStatus.Created, requested.Status);
        Assert.Null(await grain.GetProfile());
        Assert.Equal(0L, await Count("users", id));
        var mail = await fixture.Smtp.WaitForAsync(m => m.SignUpId == id.ToString(), TimeSpan.FromSeconds(30));
        Assert.Equal(user.Email, mail.To);
        Assert.Equal(SignUpToken.Encode(id, secret), mail.ConfirmationToken);
        // Only the secret's hash is stored.
        Assert.Equal(SignUpToken.HashSecret(secret), await Rows.ScalarAsync<byte[]>(fixture.Db, "SELECT token_hash FROM sign_ups WHERE id = $1", id));

        var confirmed = await grain.ConfirmSignUp(secret);

        Assert.Equal(WriteStatus.Created, confirmed.Status);
        Assert.Equal((user.Handle, user.Email, user.DisplayName), (confirmed.Value!.Handle, confirmed.Value.Email, confirmed.Value.DisplayName));
        Assert.Equal(confirmed.Value, await grain.GetProfile());
        Assert.Equal(user.PasswordHash, await Rows.ScalarAsync<string>(fixture.Db, "SELECT password_hash FROM users WHERE id = $1", id));
        Assert.Equal(0L, await Count("sign_ups", id));
        Assert.Equal(user.Email, await Rows.ScalarAsync<string>(fixture.Db,
            "SELECT payload->>'email' FROM outbox WHERE aggregate_id = $1 AND event_type = 'UserSignedUp'", id));
    }

    [Fact]
    public async Task An_email_with_an_account_gets_the_same_answer_no_pending_row_and_a_mail_without_a_link()
    {
        var existing = Fresh.User();
        Assert.True((await fixture.Grains.GetGrain<IUserGrain>(Fresh.Id()).SignUpAsync(existing)).Succeeded);
        var fresh = Fresh.Id();
        var again = Fresh.Id();

        var forFresh = await fixture.Grains.GetGrain<IUserGrain>(fresh).RequestSignUp(Fresh.User(), SignUpToken.NewSecret(), null);
        var secret = SignUpToken.NewSecret();
        var forTaken = await fixture.Grains.GetGrain<IUserGrain>(again).RequestSignUp(Fresh.User(existing.Email.ToUpperInvariant()), secret, null);

        Assert.Equal((forFresh.Status, forFresh.ErrorCode), (forTaken.Status, forTaken.ErrorCode));
        Assert.Equal(0L, await Count("sign_ups", again));
        var mail = await fixture.Smtp.WaitForAsync(m => m.SignUpId == again.ToString(), TimeSpan.FromSeconds(30));
        Assert.Equal(existing.Email.ToUpperInvariant(), mail.To, StringComparer.OrdinalIgnoreCase);
        Assert.Null(mail.ConfirmationToken);
        Assert.Equal("You already have an Actors account", mail.Subject);
        Assert.Equal(WriteStatus.NotFound, (await fixture.Grains.GetGrain<IUserGrain>(again).ConfirmSignUp(secret)).Status);
    }

    [Fact]
    public async Task A_wrong_expired_or_used_token_confirms_nothing()
    {
        var id = Fresh.Id();
        var secret = SignUpToken.NewSecret();
        var grain = fixture.Grains.GetGrain<IUserGrain>(id);
        await grain.RequestSignUp(Fresh.User(), secret, null);

        var wrong = await grain.ConfirmSignUp(SignUpToken.NewSecret());
        Assert.Equal((WriteStatus.NotFound, ErrorCodes.SignUpNotFound), (wrong.Status, wrong.ErrorCode));

        await Rows.ExecuteAsync(fixture.Db, "UPDATE sign_ups SET expires_at = now() - interval '1 second' WHERE id = $1", id);
        Assert.Equal(WriteStatus.NotFound, (await grain.ConfirmSignUp(secret)).Status);
        Assert.Equal(0L, await Count("users", id));

        await Rows.ExecuteAsync(fixture.Db, "UPDATE sign_ups SET expires_at = now() + interval '1 hour' WHERE id = $1", id);
        Assert.Equal(WriteStatus.Created, (await grain.ConfirmSignUp(secret)).Status);
        Assert.Equal(WriteStatus.NotFound, (await grain.ConfirmSignUp(secret)).Status);
    }

    [Fact]
    public async Task An_email_taken_after_the_request_is_refused_at_confirmation_and_the_request_kept()
    {
        var user = Fresh.User();
        var id = Fresh.Id();
        var secret = SignUpToken.NewSecret();
        await fixture.Grains.GetGrain<IUserGrain>(id).RequestSignUp(user, secret, null);
        // A second request for the same address, confirmed first.
        Assert.True((await fixture.Grains.GetGrain<IUserGrain>(Fresh.Id()).SignUpAsync(user with { Handle = Fresh.User().Handle })).Succeeded);

        var late = await fixture.Grains.GetGrain<IUserGrain>(id).ConfirmSignUp(secret);

        Assert.Equal((WriteStatus.Conflict, ErrorCodes.EmailTaken), (late.Status, late.ErrorCode));
        Assert.Equal(0L, await Count("users", id));
        Assert.Equal(1L, await Count("sign_ups", id));
    }

    [Fact]
    public async Task A_taken_handle_is_refused_at_once_and_stores_nothing()
    {
        var first = Fresh.User();
        await fixture.Grains.GetGrain<IUserGrain>(Fresh.Id()).SignUpAsync(first);
        var id = Fresh.Id();

        var second = await fixture.Grains.GetGrain<IUserGrain>(id)
            .RequestSignUp(Fresh.User() with { Handle = first.Handle.ToUpperInvariant() }, SignUpToken.NewSecret(), null);

        Assert.Equal((WriteStatus.Conflict, ErrorCodes.HandleTaken), (second.Status, second.ErrorCode));
        Assert.Equal(0L, await Count("sign_ups", id));
        Assert.Equal(0L, await Rows.ScalarAsync<long>(fixture.Db, "SELECT count(*) FROM outbox WHERE aggregate_id = $1", id));
    }

    [Fact]
    public async Task Tokens_carry_the_id_and_secret_and_nothing_else_decodes()
    {
        var id = Fresh.Id();
        var secret = SignUpToken.NewSecret();
        var token = SignUpToken.Encode(id, secret);

        Assert.True(SignUpToken.TryDecode(token, out var decodedId, out var decodedSecret));
        Assert.Equal(id, decodedId);
        Assert.Equal(secret, decodedSecret);
        Assert.False(SignUpToken.TryDecode(token[..^1], out _, out _));
        Assert.False(SignUpToken.TryDecode(token + "A", out _, out _));
        Assert.False(SignUpToken.TryDecode(token.Replace(token[5], token[5] == '*' ? '#' : '*'), out _, out _));
        Assert.False(SignUpToken.TryDecode(null, out _, out _));
    }

    private Task<long> Count(string table, Guid id) =>
        Rows.ScalarAsync<long>(fixture.Db, $"SELECT count(*) FROM {table} WHERE id = $1", id);
}
