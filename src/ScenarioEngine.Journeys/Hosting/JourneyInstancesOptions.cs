namespace ScenarioEngine.Journeys.Hosting;

/// <summary>Settings of <see cref="DurableTaskClientJourneyInstances"/>.</summary>
public sealed class JourneyInstancesOptions
{
    /// <summary>
    /// Raise an event only after its instance has left Pending (one instance read per raise, and a wait while it is pending).
    /// On for a backend that can discard an event overtaking its instance's start (the Azure Storage backend of the Durable
    /// Functions extension, which does not expose DisableExecutionStartedDeduplication).
    /// </summary>
    public bool WaitForStartBeforeRaise { get; set; }

    /// <summary>How long a raise waits for a pending instance to start before it fails (and its caller retries).</summary>
    public TimeSpan StartWaitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (StartWaitTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StartWaitTimeout), StartWaitTimeout, "Journeys:Instances:StartWaitTimeout must be positive.");
        }
    }
}
