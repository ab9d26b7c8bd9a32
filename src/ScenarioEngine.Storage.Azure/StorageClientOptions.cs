using Azure.Core;

namespace ScenarioEngine.Storage.Azure;

/// <summary>Pipeline options (retry, transport, diagnostics) for <see cref="TableClient"/> and <see cref="QueueClient"/>.</summary>
public sealed class StorageClientOptions : ClientOptions
{
    /// <summary>The clock used for x-ms-date; tests may pin it. Defaults to the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
