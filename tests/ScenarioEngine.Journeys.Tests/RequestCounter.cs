using Azure.Core;
using Azure.Core.Pipeline;

namespace ScenarioEngine.Journeys.Tests;

/// <summary>Counts every request attempt the backend's blob, queue and table clients send (added per retry).</summary>
internal sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _total);

    public void AddTo(ClientOptions options) => options.AddPolicy(this, HttpPipelinePosition.PerRetry);
}
