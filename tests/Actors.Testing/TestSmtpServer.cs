using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Actors.Testing;

/// <summary>
/// A message the test SMTP server accepted: <see cref="UserId"/> names the account of a welcome mail,
/// <see cref="SignUpId"/> the pending account of a sign-up mail; <see cref="Text"/> is its text part.
/// </summary>
public sealed record ReceivedMail(string MessageId, string To, string Subject, string? UserId, DateTimeOffset ReceivedAt)
{
    public string? SignUpId { get; init; }

    public string Text { get; init; } = string.Empty;

    /// <summary>The token a confirmation mail carries, or null for any other mail.</summary>
    public string? ConfirmationToken =>
        System.Text.RegularExpressions.Regex.Match(Text, @"Confirmation token: (\S+)") is { Success: true } match ? match.Groups[1].Value : null;
}

/// <summary>
/// A real SMTP server on loopback, in the test process, for the product to talk to. Tests can make it
/// slow (every message waits before it is accepted), make it fail transiently (the next N messages to
/// an address are answered 421) and make it refuse recipients for good (550). It records every message it accepted,
/// duplicates included.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly Task _running;
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _logins = new();

    /// <param name="offerLogin">Offer AUTH on the plain connection (no TLS), recording every attempt.</param>
    public TestSmtpServer(bool offerLogin = false)
    {
        Port = FreePorts.Next();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)).AllowUnsecureAuthentication(offerLogin).AuthenticationRequired(false))
            .Build();
        var services = new ServiceProvider();
        services.Add(new Store(this));
        if (offerLogin)
        {
            services.Add(new Recorder(this));
        }
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>How long each message is held before the server answers (a slow server).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Recipients refused with a permanent error (550).</summary>
    public Func<string, bool> Refuses { get; set; } = _ => false;

    public IReadOnlyList<ReceivedMail> Received => [.. _received];

    /// <summary>User names clients logged in with (only when the server offers login).</summary>
    public IReadOnlyList<string> Logins => [.. _logins];

    /// <summary>The next <paramref name="count"/> messages to <paramref name="recipient"/> are answered "421 try again later".</summary>
    public void FailNext(string recipient, int count) => _failuresLeft[recipient] = count;

    public async Task<ReceivedMail> WaitForAsync(Func<ReceivedMail, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_received.FirstOrDefault(match) is { } mail)
            {
                return mail;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("No matching message reached the SMTP server in time.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private sealed class Recorder(TestSmtpServer server) : SmtpServer.Authentication.UserAuthenticator
    {
        public override Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
        {
            server._logins.Enqueue(user);
            return Task.FromResult(true);
        }
    }

    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (server.Delay > TimeSpan.Zero)
            {
                await Task.Delay(server.Delay, cancellationToken);
            }

            var recipients = transaction.To.Select(m => $"{m.User}@{m.Host}").ToList();
            foreach (var recipient in recipients)
            {
                if (server._failuresLeft.TryGetValue(recipient, out var left) && left > 0)
                {
                    server._failuresLeft[recipient] = left - 1;
                    return new SmtpResponse(SmtpReplyCode.ServiceUnavailable, "try again later");
                }
            }

            if (recipients.Exists(server.Refuses.Invoke))
            {
                return SmtpResponse.MailboxUnavailable;
            }

            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var to = string.Join(",", recipients);

            server._received.Enqueue(new ReceivedMail(message.MessageId ?? string.Empty, to, message.Subject ?? string.Empty, message.Headers["X-Actors-User"], DateTimeOffset.UtcNow)
            {
                SignUpId = message.Headers["X-Actors-Sign-Up"],
                Text = message.TextBody ?? string.Empty,
            });
            return SmtpResponse.Ok;
        }
    }
}
