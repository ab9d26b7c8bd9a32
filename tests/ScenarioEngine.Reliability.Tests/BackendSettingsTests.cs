using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Journeys.AzureStorage;

namespace ScenarioEngine.Reliability.Tests;

/// <summary>
/// The backend settings: how soon a killed host's task-hub messages come back (the host-kill test depends on it), and extended
/// sessions and how many work items a host runs at once.
/// </summary>
public sealed class BackendSettingsTests
{
    [Fact]
    public void Settings_QueueVisibilityTimeout_SetsControlAndWorkItemQueues()
    {
        var options = new AzureStorageJourneyBackendOptions { ConnectionString = "UseDevelopmentStorage=true", QueueVisibilityTimeout = TimeSpan.FromSeconds(10) };

        var settings = DurableTaskJourneyBackend.Settings(options, NullLoggerFactory.Instance);

        Assert.Equal(TimeSpan.FromSeconds(10), settings.ControlQueueVisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.WorkItemQueueVisibilityTimeout);
    }

    [Fact]
    public void Settings_Default_KeepsDurableTasksFiveMinutes()
    {
        var settings = DurableTaskJourneyBackend.Settings(new AzureStorageJourneyBackendOptions { ConnectionString = "UseDevelopmentStorage=true" }, NullLoggerFactory.Instance);

        Assert.Equal(TimeSpan.FromMinutes(5), settings.ControlQueueVisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.WorkItemQueueVisibilityTimeout);
    }

    [Fact]
    public void Validate_QueueVisibilityTimeoutUnderASecond_ThrowsNamingTheSetting()
    {
        var options = new AzureStorageJourneyBackendOptions { ConnectionString = "UseDevelopmentStorage=true", QueueVisibilityTimeout = TimeSpan.FromMilliseconds(500) };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("Journeys:QueueVisibilityTimeout must be at least one second", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_Default_ExtendsSessionsForThirtySeconds()
    {
        var settings = DurableTaskJourneyBackend.Settings(new AzureStorageJourneyBackendOptions { ConnectionString = "UseDevelopmentStorage=true" }, NullLoggerFactory.Instance);

        Assert.True(settings.ExtendedSessionsEnabled);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.ExtendedSessionIdleTimeout);
    }

    [Fact]
    public void Settings_ExtendedSessionsOff_TurnsThemOff()
    {
        var options = new AzureStorageJourneyBackendOptions { ConnectionString = "UseDevelopmentStorage=true", ExtendedSessions = false, ExtendedSessionIdleTimeout = TimeSpan.FromSeconds(5) };

        var settings = DurableTaskJourneyBackend.Settings(options, NullLoggerFactory.Instance);

        Assert.False(settings.ExtendedSessionsEnabled);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.ExtendedSessionIdleTimeout);
    }

    [Fact]
    public void Settings_Default_RunsAHundredActivitiesAndTwoHundredOrchestrationsAtOnce()
    {
        var settings = DurableTaskJourneyBackend.Settings(new AzureStorageJourneyBackendOptions { ConnectionString = "UseDevelopmentStorage=true" }, NullLoggerFactory.Instance);

        Assert.Equal((100, 200), (settings.MaxConcurrentTaskActivityWorkItems, settings.MaxConcurrentTaskOrchestrationWorkItems));
    }

    [Fact]
    public void Settings_Concurrency_SetsTheBackendsWorkItemLimits()
    {
        var options = new AzureStorageJourneyBackendOptions { ConnectionString = "UseDevelopmentStorage=true", MaxConcurrentActivities = 7, MaxConcurrentOrchestrations = 9 };

        var settings = DurableTaskJourneyBackend.Settings(options, NullLoggerFactory.Instance);

        Assert.Equal((7, 9), (settings.MaxConcurrentTaskActivityWorkItems, settings.MaxConcurrentTaskOrchestrationWorkItems));
    }

    [Theory]
    [InlineData(0, 200, "Journeys:MaxConcurrentActivities must be 1 to 1000, got 0")]
    [InlineData(1001, 200, "Journeys:MaxConcurrentActivities must be 1 to 1000, got 1001")]
    [InlineData(100, 0, "Journeys:MaxConcurrentOrchestrations must be 1 to 1000, got 0")]
    [InlineData(100, 1001, "Journeys:MaxConcurrentOrchestrations must be 1 to 1000, got 1001")]
    public void Validate_ConcurrencyOutOfRange_ThrowsNamingTheSetting(int activities, int orchestrations, string expected)
    {
        var options = new AzureStorageJourneyBackendOptions
        {
            ConnectionString = "UseDevelopmentStorage=true", MaxConcurrentActivities = activities, MaxConcurrentOrchestrations = orchestrations,
        };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00.500")]
    [InlineData("00:10:01")]
    public void Validate_ExtendedSessionIdleTimeoutOutOfRange_ThrowsNamingTheSetting(string timeout)
    {
        var options = new AzureStorageJourneyBackendOptions
        {
            ConnectionString = "UseDevelopmentStorage=true", ExtendedSessionIdleTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture),
        };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("Journeys:ExtendedSessionIdleTimeout must be from 00:00:01 to 00:10:00", ex.Message, StringComparison.Ordinal);
    }
}
