namespace ScenarioEngine.Channels;

/// <summary>The verdict on an incoming webhook's signature.</summary>
public enum WebhookSignatureStatus
{
    /// <summary>The signature matches the body and the timestamp is within tolerance.</summary>
    Valid,

    /// <summary>The signature or timestamp header is absent.</summary>
    Missing,

    /// <summary>A header is present but cannot be read (bad base64, bad number, bad format).</summary>
    Malformed,

    /// <summary>The signature does not match the body, timestamp and key.</summary>
    Invalid,

    /// <summary>The timestamp is further from now than the tolerance allows (a possible replay).</summary>
    Stale,
}
