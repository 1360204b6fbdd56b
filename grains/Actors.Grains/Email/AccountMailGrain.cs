using Actors.Grains.Abstractions.Events;
using Actors.Grains.Data;
using Actors.Grains.Outbox;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Email;

/// <summary>
/// Sends the mail of the account's life, from the outbox, after the request has already answered: the
/// confirmation link of a sign-up (or, for an email that has an account, a note saying so), then the
/// welcome of the confirmed account.
/// SMTP is not part of the database transaction, so delivery is at least once: if a silo dies after
/// the server accepted a message and before the event is marked done, the event is redelivered and
/// the message sent again with the same Message-ID.
/// </summary>
[ImplicitStreamSubscription(EventRoutes.AccountMail)]
public sealed class AccountMailGrain(
    EmailSender sender, IOptions<EmailOptions> options, OutboxStore store, GrainMetrics metrics, TimeProvider clock,
    ILogger<AccountMailGrain> logger)
    : EventConsumer(store, metrics, clock, logger), IEventConsumerGrain
{
    protected override string Name => EventRoutes.AccountMail;

    // A second email is visible to the user: a stale or repeated delivery is skipped, not sent again.
    protected override bool ExternalEffect => true;

    // The mail server's answers and dropped connections may change with time; a message that cannot be
    // composed (an address MimeKit cannot parse) never will.
    protected override bool IsTransient(Exception exception) => exception is SmtpCommandException or SmtpProtocolException
        or MailKit.ServiceNotConnectedException or MailKit.Security.AuthenticationException or MailKit.Security.SslHandshakeException
        || base.IsTransient(exception);

    protected override string Describe(Exception exception) => exception is SmtpCommandException smtp
        ? $"SMTP {(int)smtp.StatusCode} ({smtp.ErrorCode}): {smtp.Message}"
        : base.Describe(exception);

    protected override Task ApplyAsync(IDomainEvent e) => e switch
    {
        SignUpRequested requested => sender.SendAsync(SignUpEmail.Compose(requested, options.Value)),
        UserSignedUp signedUp => sender.SendAsync(WelcomeEmail.Compose(signedUp, options.Value.From)),
        _ => Task.CompletedTask,
    };
}
