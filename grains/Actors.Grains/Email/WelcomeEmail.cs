using System.Net;
using Actors.Grains.Abstractions.Events;
using MimeKit;

namespace Actors.Grains.Email;

/// <summary>
/// The welcome message for a new user. Its Message-ID comes from the event id, so a redelivered event
/// produces the same message: a pickup file is replaced, and mail stores that deduplicate by
/// Message-ID keep one.
/// </summary>
public static class WelcomeEmail
{
    public static string MessageIdOf(Guid eventId) => $"welcome.{eventId:N}@actors.invalid";

    public static MimeMessage Compose(UserSignedUp signedUp, string from)
    {
        var message = new MimeMessage
        {
            MessageId = MessageIdOf(signedUp.EventId),
            Date = signedUp.OccurredAt,
            Subject = $"Welcome to Actors, {signedUp.DisplayName}",
        };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(signedUp.DisplayName, signedUp.Email));
        message.Headers.Add("X-Actors-User", signedUp.UserId.ToString());

        var body = new BodyBuilder
        {
            TextBody = $"""
                Hello {signedUp.DisplayName},

                your account @{signedUp.Handle} is ready. Follow people to fill your home feed.

                The Actors team
                """,
            HtmlBody = $"""
                <p>Hello {WebUtility.HtmlEncode(signedUp.DisplayName)},</p>
                <p>your account <b>@{WebUtility.HtmlEncode(signedUp.Handle)}</b> is ready. Follow people to fill your home feed.</p>
                <p>The Actors team</p>
                """,
        };
        message.Body = body.ToMessageBody();
        return message;
    }
}
