using Actors.Grains.Email;
using Actors.Grains.Events;
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

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
