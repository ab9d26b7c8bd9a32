using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ScenarioEngine.Channels.Tests;

/// <summary>
/// A raw TCP server on 127.0.0.1 that reads each HTTP request in full and then resets the connection without a byte of response,
/// for its first <c>drops</c> requests; later requests get <c>answer</c>. <see cref="HttpListener"/> cannot drop a connection
/// (its Abort still answers on Linux), hence the sockets.
/// </summary>
public sealed class DroppingServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _drops;
    private readonly int _answerStatus;
    private readonly Task _loop;
    private int _requests;

    public DroppingServer(int drops, int answerStatus = 200)
    {
        (_drops, _answerStatus) = (drops, answerStatus);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri BaseAddress { get; }

    /// <summary>Requests read in full, dropped or answered.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            while (await ReadRequestAsync(stream))
            {
                if (Interlocked.Increment(ref _requests) <= _drops)
                {
                    // Linger 0: the close is a reset, so the client sees the connection broken after its request went out.
                    socket.LingerState = new LingerOption(true, 0);
                    return;
                }

                var reply = Encoding.ASCII.GetBytes($"HTTP/1.1 {_answerStatus.ToString(CultureInfo.InvariantCulture)} OK\r\nContent-Length: 0\r\n\r\n");
                await stream.WriteAsync(reply, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            // The client went away or the server is stopping.
        }
    }

    // Reads the head up to the blank line, then Content-Length bytes of body; false when the client closed the connection.
    private async Task<bool> ReadRequestAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                return false;
            }

            head.Append((char)one[0]);
        }

        var length = head.ToString().Split("\r\n")
            .Where(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(line => int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture))
            .FirstOrDefault();
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, _stop.Token);
        return true;
    }
}
