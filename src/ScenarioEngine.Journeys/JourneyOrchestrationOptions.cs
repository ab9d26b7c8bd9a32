using ScenarioEngine.Core.Machine;

namespace ScenarioEngine.Journeys;

/// <summary>Settings of the journey orchestrator.</summary>
public sealed class JourneyOrchestrationOptions
{
    /// <summary>Wait points per execution before the instance continues as new, which keeps its history bounded.</summary>
    public int MaxWaitPointsPerExecution { get; set; } = 20;

    /// <summary>
    /// Send attempts per message (the first plus retries after deferrals) before the send is recorded failed ("gave up after N deferred attempts"); deferrals by the send
    /// rate or an open circuit are not counted, and a send awaiting the settlement of an unknown outcome is asked again regardless.
    /// </summary>
    public int MaxSendAttempts { get; set; } = 10;

    /// <summary>Attempts of an activity that fails (storage or provider outage) before the orchestration fails.</summary>
    public int MaxActivityAttempts { get; set; } = 5;

    /// <summary>The wait before retrying a failed activity (doubled each time).</summary>
    public TimeSpan ActivityRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long after its due time a durable timer is set (a wait's wake, a deferred send's next attempt; default one second).
    /// DurableTask.AzureStorage delivers a timer as a queue message made visible after a whole number of seconds, so up to a second
    /// early; a timer set a second late never fires before its time, and a wake costs one timer, not a second one for the rest.
    /// The simulation, in exact virtual time, sets none.
    /// </summary>
    public TimeSpan TimerPadding { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The machine's settings (the default time zone).</summary>
    public MachineSettings Machine { get; set; } = MachineSettings.Default;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (MaxWaitPointsPerExecution < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWaitPointsPerExecution), MaxWaitPointsPerExecution, "Journeys:MaxWaitPointsPerExecution must be 1 or more.");
        }

        if (MaxSendAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSendAttempts), MaxSendAttempts, "Journeys:MaxSendAttempts must be 1 or more.");
        }

        if (MaxActivityAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxActivityAttempts), MaxActivityAttempts, "Journeys:MaxActivityAttempts must be 1 or more.");
        }

        if (TimerPadding < TimeSpan.Zero || TimerPadding > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(TimerPadding), TimerPadding, "Journeys:TimerPadding must be from 00:00:00 to 00:01:00.");
        }

        if (ActivityRetryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ActivityRetryInterval), ActivityRetryInterval, "Journeys:ActivityRetryInterval must be positive.");
        }
    }
}
