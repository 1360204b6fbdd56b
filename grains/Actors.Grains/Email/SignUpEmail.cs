using System.Net;
using Actors.Grains.Abstractions.Events;
using MimeKit;

namespace Actors.Grains.Email;

/// <summary>
/// The mail a sign-up sends to its address: the confirmation link, or, when the address already has an
/// account, a note saying so (and no link). Only the mailbox learns which; the caller got the same
/// answer either way. The Message-ID comes from the event id, like the welcome mail's.
/// </summary>
public static class SignUpEmail
{
    /// <summary>The header naming the pending account a confirmation mail is for.</summary>
    public const string SignUpHeader = "X-Actors-Sign-Up";

    public static MimeMessage Compose(SignUpRequested requested, EmailOptions options)
    {
        var message = new MimeMessage
        {
            MessageId = $"sign-up.{requested.EventId:N}@actors.invalid",
            Date = requested.OccurredAt,
        };
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(new MailboxAddress(requested.DisplayName, requested.Email));
        message.Headers.Add(SignUpHeader, requested.SignUpId.ToString());

        var name = WebUtility.HtmlEncode(requested.DisplayName);
        BodyBuilder body;
        if (requested.AccountExists || requested.Token is null)
        {
            message.Subject = "You already have an Actors account";
            body = new BodyBuilder
            {
                TextBody = """
                    Hello,

                    someone, probably you, asked to sign up to Actors with this address. It already has an
                    account, so nothing was created. Log in with it, or ignore this mail if it was not you.

                    The Actors team
                    """,
                HtmlBody = """
                    <p>Hello,</p>
                    <p>someone, probably you, asked to sign up to Actors with this address. It already has an account,
                    so nothing was created. Log in with it, or ignore this mail if it was not you.</p>
                    <p>The Actors team</p>
                    """,
            };
        }
        else
        {
            var link = options.ConfirmationLink.Replace("{token}", Uri.EscapeDataString(requested.Token), StringComparison.Ordinal);
            var expires = requested.ExpiresAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
            message.Subject = $"Confirm your Actors account, {requested.DisplayName}";
            body = new BodyBuilder
            {
                TextBody = $"""
                    Hello {requested.DisplayName},

                    confirm your address to create the account @{requested.Handle}:

                    {link}

                    Confirmation token: {requested.Token}
                    The link works until {expires}. If you did not sign up, ignore this mail.

                    The Actors team
                    """,
                HtmlBody = $"""
                    <p>Hello {name},</p>
                    <p>confirm your address to create the account <b>@{WebUtility.HtmlEncode(requested.Handle)}</b>:</p>
                    <p><a href="{WebUtility.HtmlEncode(link)}">Confirm my account</a></p>
                    <p>Confirmation token: <code>{requested.Token}</code><br>
                    The link works until {expires}. If you did not sign up, ignore this mail.</p>
                    <p>The Actors team</p>
                    """,
            };
        }

        message.Body = body.ToMessageBody();
        return message;
    }
}
