using MailKit.Security;
using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Actors.Grains.Email;

/// <summary>
/// Sends mail over SMTP through a small pool of kept-alive connections (no handshake per message),
/// or, with no SMTP server configured, writes each message to the pickup folder as
/// "{Message-ID}.eml" (written whole, then renamed into place, so a resend replaces the file).
/// </summary>
public sealed class EmailSender(IOptions<EmailOptions> options) : IAsyncDisposable
{
    private readonly EmailOptions _options = options.Value;
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConnections, options.Value.MaxConnections);
    private readonly ConcurrentBag<SmtpClient> _idle = [];

    public async Task SendAsync(MimeMessage message)
    {
        if (string.IsNullOrEmpty(_options.SmtpHost))
        {
            await WriteToPickupAsync(message).ConfigureAwait(false);
            return;
        }

        using var timeout = new CancellationTokenSource(_options.Timeout);
        await _slots.WaitAsync(timeout.Token).ConfigureAwait(false);
        try
        {
            // A kept-alive connection the server has meanwhile closed fails at once: retry on a fresh one.
            if (_idle.TryTake(out var reused))
            {
                try
                {
                    await reused.SendAsync(message, timeout.Token).ConfigureAwait(false);
                    _idle.Add(reused);
                    return;
                }
                catch (Exception ex) when (ex is ServiceNotConnectedException or IOException or SmtpProtocolException)
                {
                    reused.Dispose();
                }
                catch
                {
                    // Refused (an SMTP error reply): the attempt fails, and the connection is not trusted again.
                    reused.Dispose();
                    throw;
                }
            }

            var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
            try
            {
                await client.ConnectAsync(_options.SmtpHost, _options.SmtpPort, _options.Security, timeout.Token).ConfigureAwait(false);
                if (!string.IsNullOrEmpty(_options.Username))
                {
                    // Credentials never cross the network in the clear: with Auto, a server that offers
                    // no STARTTLS leaves the connection plain, and then nothing is sent.
                    if (!client.IsSecure)
                    {
                        throw new AuthenticationException(
                            $"The SMTP server {_options.SmtpHost}:{_options.SmtpPort} did not secure the connection; refusing to send credentials in the clear.");
                    }

                    await client.AuthenticateAsync(_options.Username, _options.Password ?? string.Empty, timeout.Token).ConfigureAwait(false);
                }

                await client.SendAsync(message, timeout.Token).ConfigureAwait(false);
                _idle.Add(client);
                client = null;
            }
            finally
            {
                client?.Dispose();
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task WriteToPickupAsync(MimeMessage message)
    {
        var folder = Path.GetFullPath(_options.PickupDirectory);
        Directory.CreateDirectory(folder);
        var id = message.MessageId ?? throw new InvalidOperationException("A message to send has a Message-ID.");
        var name = string.Concat(id.Split(Path.GetInvalidFileNameChars()));
        var temporary = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.tmp");
        await message.WriteToAsync(temporary).ConfigureAwait(false);
        File.Move(temporary, Path.Combine(folder, $"{name}.eml"), overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var client))
        {
            if (client.IsConnected)
            {
                try
                {
                    await client.DisconnectAsync(quit: true).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SmtpProtocolException or ServiceNotConnectedException)
                {
                    // Closing anyway.
                }
            }

            client.Dispose();
        }

        _slots.Dispose();
    }
}
