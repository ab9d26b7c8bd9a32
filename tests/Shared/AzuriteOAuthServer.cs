using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ScenarioEngine.Testing;

/// <summary>
/// The repository's pinned Azurite with <c>--oauth basic</c> over https, on free loopback ports and a self-signed certificate made
/// here: it accepts a Bearer token when it is a JWT of an Entra ID issuer for the storage audience, within its lifetime (it does not
/// check the signature), so the clients' Microsoft Entra ID path runs against a real service. Start it after
/// <see cref="AzuriteFixture"/> has installed Azurite (a test in the Azurite collection).
/// </summary>
public sealed class AzuriteOAuthServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _location;
    private readonly X509Certificate2 _certificate;
    private readonly StringBuilder _output;

    private AzuriteOAuthServer(Process process, string location, X509Certificate2 certificate, StringBuilder output, int[] ports)
    {
        _process = process;
        _location = location;
        _certificate = certificate;
        _output = output;
        BlobServiceUri = new Uri($"https://127.0.0.1:{ports[0]}/{AzuriteFixture.AccountName}");
        QueueServiceUri = new Uri($"https://127.0.0.1:{ports[1]}/{AzuriteFixture.AccountName}");
        TableServiceUri = new Uri($"https://127.0.0.1:{ports[2]}/{AzuriteFixture.AccountName}");
    }

    /// <summary>The Blob service URI (https, path-style).</summary>
    public Uri BlobServiceUri { get; }

    /// <summary>The Queue service URI.</summary>
    public Uri QueueServiceUri { get; }

    /// <summary>The Table service URI.</summary>
    public Uri TableServiceUri { get; }

    /// <summary>Starts Azurite and waits until the three services listen.</summary>
    public static async Task<AzuriteOAuthServer> StartAsync()
    {
        var script = Path.Combine(AzuriteFixture.FindRepositoryRoot(), "node_modules", "azurite", "dist", "src", "azurite.js");
        var location = Path.Combine(Path.GetTempPath(), "azurite-oauth-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(location);
        var certificate = SelfSignedCertificate();
        var certPath = Path.Combine(location, "cert.pem");
        var keyPath = Path.Combine(location, "key.pem");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        using (var key = certificate.GetRSAPrivateKey()!)
        {
            await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        }

        var ports = FreePorts();
        var start = new ProcessStartInfo("node") { WorkingDirectory = location, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var (service, port) in new[] { ("blob", ports[0]), ("queue", ports[1]), ("table", ports[2]) })
        {
            start.ArgumentList.Add($"--{service}Host");
            start.ArgumentList.Add("127.0.0.1");
            start.ArgumentList.Add($"--{service}Port");
            start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var argument in new[] { "--oauth", "basic", "--cert", certPath, "--key", keyPath, "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry" })
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AzuriteOAuthServer(process, location, certificate, output, ports);
        try
        {
            var clock = Stopwatch.StartNew();
            while (!(await AcceptsAsync(ports[0]) && await AcceptsAsync(ports[1]) && await AcceptsAsync(ports[2])))
            {
                if (process.HasExited || clock.Elapsed > StartTimeout)
                {
                    throw new InvalidOperationException($"Azurite with --oauth basic did not listen on {string.Join(", ", ports)}:\n{server.Output()}");
                }

                await Task.Delay(100);
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A transport that trusts this server's certificate (and no other self-signed one).</summary>
    public HttpPipelineTransport Transport() => new HttpClientTransport(new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, presented, _, errors) =>
            errors == SslPolicyErrors.None || (presented is not null && presented.RawData.AsSpan().SequenceEqual(_certificate.RawData)),
    });

    /// <summary>What Azurite printed (for a failure message).</summary>
    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    /// <summary>
    /// An unsigned JWT of the shape Azurite's basic OAuth checks: issued by an Entra ID tenant for the storage audience, valid for an
    /// hour from <paramref name="now"/>.
    /// </summary>
    public static string Token(DateTimeOffset now, string issuer = "https://sts.windows.net/11111111-2222-3333-4444-555555555555/")
    {
        static string Part(object value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));
        var header = Part(new Dictionary<string, object> { ["alg"] = "none", ["typ"] = "JWT" });
        var payload = Part(new Dictionary<string, object>
        {
            ["aud"] = "https://storage.azure.com",
            ["iss"] = issuer,
            ["iat"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        });
        return header + "." + payload + ".";
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
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
            _certificate.Dispose();
        }

        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int[] FreePorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
