using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using ScenarioEngine.Channels;

namespace ScenarioEngine.Benchmarks;

/// <summary>
/// The cost of checking one SendGrid Event Webhook post of 100 events: the engine's verifier (the SendGrid SDK's
/// RequestValidator) beside the BCL's ECDsa over the same bytes, measured in one run.
/// </summary>
[MemoryDiagnoser]
public class WebhookSignatureBenchmarks : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _bclVerifier = ECDsa.Create();
    private SendGridEventWebhook _webhook = null!;
    private string _body = "";
    private string _timestamp = "";
    private string _signature = "";
    private byte[] _signatureBytes = [];

    [GlobalSetup]
    public void Setup()
    {
        var now = DateTimeOffset.UtcNow;
        _timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        _body = "[" + string.Join(",", Enumerable.Range(0, 100).Select(i =>
            $$"""{"email":"c{{i}}@example.com","timestamp":{{_timestamp}},"event":"delivered","sg_event_id":"ev-{{i}}","sg_message_id":"m{{i}}.filter","outbox_id":"o|k{{i}}","customer_id":"c{{i}}"}""")) + "]";
        _signatureBytes = _key.SignData(Encoding.UTF8.GetBytes(_timestamp + _body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        _signature = Convert.ToBase64String(_signatureBytes);
        var publicKey = _key.ExportSubjectPublicKeyInfo();
        _bclVerifier.ImportSubjectPublicKeyInfo(publicKey, out _);
        _webhook = new SendGridEventWebhook(Convert.ToBase64String(publicKey), timestampTolerance: TimeSpan.FromDays(1));
    }

    [Benchmark(Baseline = true)]
    public bool BclEcdsa() =>
        _bclVerifier.VerifyData(Encoding.UTF8.GetBytes(_timestamp + _body), _signatureBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark]
    public WebhookSignatureStatus SendGridSdkValidator() => _webhook.Verify(_signature, _timestamp, _body);

    public void Dispose()
    {
        _key.Dispose();
        _bclVerifier.Dispose();
        GC.SuppressFinalize(this);
    }
}
