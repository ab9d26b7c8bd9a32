using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ScenarioEngine.Storage.Azure;

/// <summary>Where an injected fault strikes a request.</summary>
public enum FaultPoint
{
    /// <summary>The request fails before it is sent: the service never sees it.</summary>
    BeforeSend,

    /// <summary>The request reaches the service and is applied, then its response is lost.</summary>
    AfterSend,
}

/// <summary>
/// Fails chosen request attempts of a storage client as a lost connection would, for reliability tests: add it per retry through the
/// <c>configure</c> hook of <see cref="StorageClients"/> and arm it with <see cref="FailRequest"/>. The failure is a
/// <see cref="RequestFailedException"/> with status 0, which the SDK's retry policy retries like any transport failure.
/// Thread-safe; a policy that is not armed only counts.
/// </summary>
public sealed class StorageFaultPolicy : HttpPipelinePolicy
{
    private readonly Lock _gate = new();
    private readonly Func<HttpMessage, bool>? _matches;
    private long _seen;
    private long _failAt = -1;
    private FaultPoint _point;
    private readonly List<string> _faults = [];

    /// <summary>Creates a policy that considers every request, or only those <paramref name="matches"/> accepts (e.g. by method or path).</summary>
    public StorageFaultPolicy(Func<HttpMessage, bool>? matches = null)
    {
        _matches = matches;
    }

    /// <summary>The matching request attempts seen so far.</summary>
    public long Seen
    {
        get
        {
            lock (_gate)
            {
                return _seen;
            }
        }
    }

    /// <summary>The faults injected so far.</summary>
    public int Injected
    {
        get
        {
            lock (_gate)
            {
                return _faults.Count;
            }
        }
    }

    /// <summary>What each injected fault struck, in order: the point, the method and the path.</summary>
    public IReadOnlyList<string> Faults
    {
        get
        {
            lock (_gate)
            {
                return [.. _faults];
            }
        }
    }

    /// <summary>Fails the <paramref name="n"/>-th matching attempt from now (1 is the next one) at <paramref name="point"/>; once.</summary>
    public void FailRequest(int n, FaultPoint point)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        lock (_gate)
        {
            _failAt = _seen + n;
            _point = point;
        }
    }

    /// <inheritdoc />
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var fault = Next(message);
        if (fault == FaultPoint.BeforeSend)
        {
            throw Failure(message, fault.Value);
        }

        ProcessNext(message, pipeline);
        if (fault == FaultPoint.AfterSend)
        {
            throw Failure(message, fault.Value);
        }
    }

    /// <inheritdoc />
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var fault = Next(message);
        if (fault == FaultPoint.BeforeSend)
        {
            throw Failure(message, fault.Value);
        }

        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        if (fault == FaultPoint.AfterSend)
        {
            throw Failure(message, fault.Value);
        }
    }

    private FaultPoint? Next(HttpMessage message)
    {
        if (_matches is not null && !_matches(message))
        {
            return null;
        }

        lock (_gate)
        {
            if (++_seen != _failAt)
            {
                return null;
            }

            _failAt = -1;
            _faults.Add($"{_point} {message.Request.Method} {message.Request.Uri.Path}");
            return _point;
        }
    }

    private static RequestFailedException Failure(HttpMessage message, FaultPoint point) =>
        new($"Injected fault ({point}) on {message.Request.Method} {message.Request.Uri.Path}.");
}
