using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ScenarioEngine.Testing;

/// <summary>
/// A pipeline policy for the Azure Storage clients that, once <see cref="Refuse"/> is set, fails every request as a refused
/// connection does (storage gone, as when Azurite stops before the host).
/// </summary>
public sealed class StorageGonePolicy : HttpPipelineSynchronousPolicy
{
    private int _refused;
    private volatile bool _refuse;

    /// <summary>Whether requests are refused from now on.</summary>
    public bool Refuse
    {
        get => _refuse;
        set => _refuse = value;
    }

    /// <summary>How many requests were refused.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Adds the policy to a client's options.</summary>
    public void AddTo(ClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
    }

    /// <inheritdoc />
    public override void OnSendingRequest(HttpMessage message)
    {
        if (_refuse)
        {
            Interlocked.Increment(ref _refused);
            throw new RequestFailedException(0, "Connection refused (test: storage gone)", new HttpRequestException("Connection refused"));
        }
    }
}
