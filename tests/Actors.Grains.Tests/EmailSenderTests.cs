using Actors.Grains.Abstractions.Events;
using Actors.Grains.Email;
using Actors.Testing;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Actors.Grains.Tests;

public sealed class EmailSenderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"actors-pickup-{Guid.NewGuid():N}");

    [Fact]
    public async Task Without_an_smtp_server_mail_lands_in_the_pickup_folder_once_per_message_id()
    {
        await using var sender = new EmailSender(Options.Create(new EmailOptions { PickupDirectory = _folder }));
        var signedUp = new UserSignedUp(Guid.CreateVersion7(), Guid.CreateVersion7(), "ada", "ada@example.test", "Ada <Lovelace>", DateTimeOffset.UtcNow);

        await sender.SendAsync(WelcomeEmail.Compose(signedUp, "Actors <welcome@actors.invalid>"));
        await sender.SendAsync(WelcomeEmail.Compose(signedUp, "Actors <welcome@actors.invalid>"));

        var file = Assert.Single(Directory.GetFiles(_folder));
        Assert.Equal($"{WelcomeEmail.MessageIdOf(signedUp.EventId)}.eml", Path.GetFileName(file));
        var message = await MimeMessage.LoadAsync(file);
        Assert.Equal("ada@example.test", message.To.Mailboxes.Single().Address);
        Assert.Contains("Ada &lt;Lovelace&gt;", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("@ada", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_are_never_sent_over_a_connection_the_server_left_unencrypted()
    {
        await using var smtp = new TestSmtpServer(offerLogin: true);
        await using var sender = new EmailSender(Options.Create(new EmailOptions
        {
            SmtpHost = "127.0.0.1",
            SmtpPort = smtp.Port,
            Security = MailKit.Security.SecureSocketOptions.Auto, // STARTTLS only if offered: this server offers none
            Username = "relay-user",
            Password = "relay-secret",
        }));
        var signedUp = new UserSignedUp(Guid.CreateVersion7(), Guid.CreateVersion7(), "ada", "ada@example.test", "Ada", DateTimeOffset.UtcNow);

        await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(() => sender.SendAsync(WelcomeEmail.Compose(signedUp, "Actors <welcome@actors.invalid>")));

        Assert.Empty(smtp.Logins);
        Assert.Empty(smtp.Received);
    }

    [Fact]
    public void Settings_with_a_user_and_no_encryption_are_refused()
    {
        Assert.False(Valid(new EmailOptions { SmtpHost = "mail", Username = "relay-user", Security = MailKit.Security.SecureSocketOptions.None }));
        Assert.True(Valid(new EmailOptions { SmtpHost = "mail", Username = "relay-user", Security = MailKit.Security.SecureSocketOptions.StartTls }));
        Assert.True(Valid(new EmailOptions { SmtpHost = "mail", Security = MailKit.Security.SecureSocketOptions.None }));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static bool Valid(EmailOptions options) =>
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), null, validateAllProperties: true);
}
