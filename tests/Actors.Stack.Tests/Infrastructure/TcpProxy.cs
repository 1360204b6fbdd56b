using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Actors.Stack.Tests.Infrastructure;

/// <summary>
/// A loopback TCP forwarder placed between the stack and PostgreSQL or Redis, so a test can make the
/// server unreachable for the stack alone (connections reset, new ones refused), or silent (connections
/// stay open and nothing comes back), and bring it back, while the real server keeps running for every
/// other test.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();
    private volatile TaskCompletionSource _flowing = Flowing();

    public TcpProxy(IPEndPoint target)
    {
        _target = target;
        Port = TestEnvironment.FreePort();
        Open();
    }

    public int Port { get; }

    /// <summary>Refuses new connections and resets every open one: to the stack, the server is gone.</summary>
    public void Cut()
    {
        _stop.Cancel();
        _listener?.Stop();
        _listener = null;
        foreach (var client in _connections.Keys)
        {
            try
            {
                // Linger 0: the peer sees a reset, as when a database host goes away.
                client.Client?.LingerState = new LingerOption(true, 0);
            }
            catch (ObjectDisposedException)
            {
                // Closed by its forwarder meanwhile.
            }

            client.Dispose();
        }

        _connections.Clear();
    }

    /// <summary>
    /// Stops forwarding without closing anything: connections stay open and accepted, bytes sent wait
    /// here, and no answer comes back, as when a server or the network between hangs.
    /// </summary>
    public void Hang() => _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Accepts and forwards connections again; after a hang, the bytes held are delivered.</summary>
    public void Restore()
    {
        _flowing.TrySetResult();
        if (_listener is null)
        {
            _stop = new CancellationTokenSource();
            Open();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Open()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _ = AcceptLoop(listener, _stop.Token);
    }

    private async Task AcceptLoop(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Forward(inbound, stop);
        }
    }

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    // Copies while not hung; what is read during a hang waits for Restore.
    private async Task Pump(Stream from, Stream to, CancellationToken stop)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, stop)) > 0)
        {
            await _flowing.Task.WaitAsync(stop);
            await to.WriteAsync(buffer.AsMemory(0, read), stop);
        }
    }

    private async Task Forward(TcpClient inbound, CancellationToken stop)
    {
        var outbound = new TcpClient();
        _connections[inbound] = 0;
        _connections[outbound] = 0;
        try
        {
            await outbound.ConnectAsync(_target, stop);
            var a = Pump(inbound.GetStream(), outbound.GetStream(), stop);
            var b = Pump(outbound.GetStream(), inbound.GetStream(), stop);
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A cut or a closed peer: either way this connection is over.
        }
        finally
        {
            _connections.TryRemove(inbound, out _);
            _connections.TryRemove(outbound, out _);
            inbound.Dispose();
            outbound.Dispose();
        }
    }
}
