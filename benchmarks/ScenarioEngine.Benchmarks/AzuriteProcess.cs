using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ScenarioEngine.Benchmarks;

/// <summary>Azurite started from the repository's pinned npm package on free ports, in memory.</summary>
internal sealed class AzuriteProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AzuriteProcess(Process process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    /// <summary>The processor time the emulator's process has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<AzuriteProcess> StartAsync()
    {
        var script = Path.Combine(Samples.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new FileNotFoundException("run `npm ci` in the repository first (or ./test.sh, which does)", script);
        }

        int Free()
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }

        var (blob, queue, table) = (Free(), Free(), Free());
        var dir = Directory.CreateTempSubdirectory("azurite-bench").FullName;
        var start = new ProcessStartInfo("node") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
                     "--tableHost", "127.0.0.1", "--tablePort", $"{table}", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry" })
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start)!;
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, table).ConfigureAwait(false);
                using var q = new TcpClient();
                await q.ConnectAsync(IPAddress.Loopback, queue).ConfigureAwait(false);
                break;
            }
            catch (SocketException)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }

        var key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        return new AzuriteProcess(process, $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;");
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
    }
}
