using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ScenarioEngine.Host.Tests;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Reliability.Tests;

/// <summary>
/// The standalone host as its own process: the built ScenarioEngine.Host.dll run with <c>dotnet</c> (no <c>dotnet run</c> wrapper, so
/// a kill reaches the host itself), configured through environment variables, on a free loopback port. <see cref="Kill"/> sends
/// SIGKILL: no shutdown code runs. The last lines of its output are kept for the test's output.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly string _name;

    private HostProcess(Process process, Uri baseAddress, string name)
    {
        _process = process;
        _name = name;
        BaseAddress = baseAddress;
        Admin = Client(baseAddress, TestHost.AdminKey);
        Events = Client(baseAddress, TestHost.EventsKey);
    }

    /// <summary>The host's address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client sending the admin key.</summary>
    public HttpClient Admin { get; }

    /// <summary>A client sending the events key.</summary>
    public HttpClient Events { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>The built host's entry assembly, of the configuration these tests were built in.</summary>
    public static string HostAssembly()
    {
        // The tests run from tests/<Project>/bin/<Configuration>/<tfm>/: the host was built (a project reference) into the same shape.
        var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfmDir.Parent!.Name;
        var path = Path.Combine(AzuriteFixture.FindRepositoryRoot(), "src", "ScenarioEngine.Host", "bin", configuration, tfmDir.Name, "ScenarioEngine.Host.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"The built host is missing at {path}; build src/ScenarioEngine.Host -c {configuration}.");
    }

    /// <summary>Settings of the host processes of one test: the storage, unique tables, queues and task hub, fast polling, the test keys.</summary>
    public static Dictionary<string, string?> Settings(string storage)
    {
        var settings = TestHost.Settings(storage);
        settings["Journeys:TaskHubName"] = "hub" + Guid.NewGuid().ToString("N")[..12];
        settings["Journeys:MaxQueuePollingInterval"] = "00:00:00.500";
        settings["Journeys:ActivityRetryInterval"] = "00:00:00.500";
        // A killed host's task-hub messages come back after this (5 minutes by default), and its events-queue messages after the next.
        settings["Journeys:QueueVisibilityTimeout"] = "00:00:10";
        settings["Engine:VisibilityTimeout"] = "00:00:05";
        settings["Logging:LogLevel:Default"] = "Warning";
        return settings;
    }

    /// <summary>Starts a host process with <paramref name="settings"/> and waits until its health endpoint answers.</summary>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string name, ITestOutputHelper output)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(HostAssembly())!,
        };
        start.ArgumentList.Add(HostAssembly());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? string.Empty;
        }

        start.Environment["DOTNET_gcServer"] = "0";
        var process = new Process { StartInfo = start };
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start dotnet for the host.");
        }

        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{port}"), name);
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var watch = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (process.HasExited)
            {
                var tail = host.Tail();
                await host.DisposeAsync();
                throw new InvalidOperationException($"Host {name} exited with code {process.ExitCode} before answering:\n{tail}");
            }

            try
            {
                if ((await probe.GetAsync("/api/health")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            if (watch.Elapsed > StartTimeout)
            {
                var tail = host.Tail();
                await host.DisposeAsync();
                throw new InvalidOperationException($"Host {name} did not answer /api/health within {StartTimeout.TotalSeconds} s:\n{tail}");
            }

            await Task.Delay(100);
        }

        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} host {name} (pid {process.Id}) up on port {port} in {watch.ElapsedMilliseconds} ms");
        return host;
    }

    /// <summary>SIGKILL: the process ends at once, mid-request, mid-activity, mid-commit.</summary>
    public async Task KillAsync(ITestOutputHelper output)
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }

        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} host {_name} (pid {_process.Id}) killed");
    }

    /// <summary>The last lines the process wrote.</summary>
    public string Tail()
    {
        lock (_lines)
        {
            return string.Join('\n', _lines);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Events.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > KeptLines)
            {
                _lines.Dequeue();
            }
        }
    }

    private static HttpClient Client(Uri baseAddress, string key)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
