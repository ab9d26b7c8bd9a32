using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ScenarioEngine.Channels.Tests;

/// <summary>A request the loopback server received, exactly as it arrived.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public JsonNode Json => JsonNode.Parse(BodyText) ?? throw new InvalidOperationException("empty JSON body");

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A scripted reply; <see cref="Delay"/> lets a test provoke a client timeout.</summary>
public sealed record ScriptedResponse(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default)
{
    /// <summary>The request is read and recorded, and the answer takes longer than any test's attempt timeout.</summary>
    public static ScriptedResponse Stalled { get; } = new(202, Delay: TimeSpan.FromSeconds(30));
}

/// <summary>A real HTTP server on 127.0.0.1 and a free port that records requests and replies from a script.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private bool _disposed;

    public LoopbackServer(Func<RecordedRequest, ScriptedResponse>? handler = null)
    {
        Handler = handler;
        (_listener, BaseAddress) = Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri BaseAddress { get; }

    /// <summary>Used when the script is empty.</summary>
    public Func<RecordedRequest, ScriptedResponse>? Handler { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public void Enqueue(params ScriptedResponse[] responses)
    {
        foreach (var response in responses)
        {
            _script.Enqueue(response);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or HttpListenerException or OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static (HttpListener Listener, Uri BaseAddress) Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var prefix = $"http://127.0.0.1:{port}/";
            var listener = new HttpListener();
            listener.Prefixes.Add(prefix);
            try
            {
                listener.Start();
                return (listener, new Uri(prefix));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer).ConfigureAwait(false);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var key in context.Request.Headers.AllKeys)
            {
                if (key is not null)
                {
                    headers[key] = context.Request.Headers[key] ?? string.Empty;
                }
            }

            var request = new RecordedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, buffer.ToArray());
            _requests.Enqueue(request);
            var response = _script.TryDequeue(out var scripted)
                ? scripted
                : Handler?.Invoke(request) ?? new ScriptedResponse(500, "{\"message\":\"no scripted response\"}");
            if (response.Delay > TimeSpan.Zero)
            {
                await Task.Delay(response.Delay, _stop.Token).ConfigureAwait(false);
            }

            context.Response.StatusCode = response.Status;
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            var body = Encoding.UTF8.GetBytes(response.Body ?? string.Empty);
            if (body.Length > 0)
            {
                context.Response.ContentType = "application/json";
            }

            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The client went away (a provoked timeout) or the server is stopping.
        }
    }
}
