using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ScenarioEngine.Testing;

/// <summary>The xunit collection whose tests share one Azurite process; mark emulator test classes <c>[Collection(AzuriteCollection.Name)]</c>.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Azurite";
}

/// <summary>Starts the repository's pinned Azurite (npm) on three free loopback ports for a test run, and kills it afterwards; never skips.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>The emulator's account name.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The emulator's well-known account key.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(5);
    private static int _nameCounter;

    private readonly IMessageSink _diagnostics;
    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _location;

    /// <summary>Created by xunit once per test run.</summary>
    public AzuriteFixture(IMessageSink diagnostics)
    {
        _diagnostics = diagnostics;
    }

    /// <summary>The connection string of the running emulator (path-style endpoints on loopback).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The Blob service endpoint, e.g. http://127.0.0.1:port/devstoreaccount1.</summary>
    public Uri BlobEndpoint { get; private set; } = null!;

    /// <summary>The Queue service endpoint.</summary>
    public Uri QueueEndpoint { get; private set; } = null!;

    /// <summary>The Table service endpoint.</summary>
    public Uri TableEndpoint { get; private set; } = null!;

    /// <summary>A table name no other test uses (letters and digits, starting with a letter).</summary>
    public static string NewTableName(string prefix = "t") => UniqueName(prefix);

    /// <summary>A queue name no other test uses (lowercase letters and digits).</summary>
    public static string NewQueueName(string prefix = "q") => UniqueName(prefix);

    /// <summary>Finds the repository root: the nearest folder above the test binaries holding ScenarioEngine.sln.</summary>
    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScenarioEngine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ScenarioEngine.sln above {AppContext.BaseDirectory}; cannot locate the pinned Azurite.");
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var root = FindRepositoryRoot();
        var azuriteScript = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        await EnsureNpmToolsAsync(root, azuriteScript).ConfigureAwait(false);

        // A port found free can be taken before Azurite binds it; try a few sets.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync(azuriteScript).ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && Output().Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                Log($"Azurite could not bind its ports (attempt {attempt}); retrying on new ports.");
                await StopAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync() => StopAsync();

    private static string UniqueName(string prefix)
    {
        var counter = Interlocked.Increment(ref _nameCounter);
        var name = prefix.ToLowerInvariant() + counter + Guid.NewGuid().ToString("N");
        return name.Length > 63 ? name[..63] : name;
    }

    private async Task StartAsync(string azuriteScript)
    {
        var ports = FreePorts(3);
        _location = Path.Combine(Path.GetTempPath(), "azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_location);
        lock (_output)
        {
            _output.Clear();
        }

        // Azurite refuses --location together with --inMemoryPersistence, so the temp folder is its working directory instead.
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = _location,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(azuriteScript);
        foreach (var (service, port) in new[] { ("blob", ports[0]), ("queue", ports[1]), ("table", ports[2]) })
        {
            start.ArgumentList.Add($"--{service}Host");
            start.ArgumentList.Add("127.0.0.1");
            start.ArgumentList.Add($"--{service}Port");
            start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var flag in new[] { "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry" })
        {
            start.ArgumentList.Add(flag);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start node for Azurite.");
        }

        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening:\n{Output()}");
            }

            if (await AcceptsAsync(ports[0]).ConfigureAwait(false) &&
                await AcceptsAsync(ports[1]).ConfigureAwait(false) &&
                await AcceptsAsync(ports[2]).ConfigureAwait(false))
            {
                break;
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException($"Azurite did not listen on ports {string.Join(", ", ports)} within {StartTimeout.TotalSeconds} s:\n{Output()}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        BlobEndpoint = new Uri($"http://127.0.0.1:{ports[0]}/{AccountName}");
        QueueEndpoint = new Uri($"http://127.0.0.1:{ports[1]}/{AccountName}");
        TableEndpoint = new Uri($"http://127.0.0.1:{ports[2]}/{AccountName}");
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";
        Log($"Azurite {process.Id} listening: blob {ports[0]}, queue {ports[1]}, table {ports[2]} (started in {deadline.ElapsedMilliseconds} ms).");
    }

    private async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is not null)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
                }
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }
            catch (OperationCanceledException)
            {
                Log($"Azurite {process.Id} did not exit within 10 s of being killed.");
            }
            finally
            {
                process.Dispose();
            }
        }

        if (_location is not null)
        {
            try
            {
                Directory.Delete(_location, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
            catch (UnauthorizedAccessException)
            {
                // Likewise.
            }

            _location = null;
        }
    }

    private async Task EnsureNpmToolsAsync(string root, string azuriteScript)
    {
        if (File.Exists(azuriteScript))
        {
            return;
        }

        // Several test assemblies may start at once: one npm ci at a time.
        using var gate = await AcquireFileLockAsync(Path.Combine(Path.GetTempPath(), "scenarioengine-npm-ci.lock")).ConfigureAwait(false);
        if (File.Exists(azuriteScript))
        {
            return;
        }

        Log("node_modules/azurite is missing; running npm ci --no-audit --no-fund.");
        var npm = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
        {
            npm.ArgumentList.Add(argument);
        }

        using var process = Process.Start(npm) ?? throw new InvalidOperationException("Could not start npm.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(NpmTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"npm ci did not finish within {NpmTimeout.TotalMinutes} minutes.");
        }

        if (process.ExitCode != 0 || !File.Exists(azuriteScript))
        {
            throw new InvalidOperationException(
                $"npm ci failed (exit {process.ExitCode}) in {root}:\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}");
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (deadline.Elapsed < NpmTimeout)
            {
                await Task.Delay(250).ConfigureAwait(false);
            }
        }
    }

    private static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private void Log(string message) => _diagnostics.OnMessage(new DiagnosticMessage(message));
}
