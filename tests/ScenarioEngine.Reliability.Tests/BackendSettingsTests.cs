using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Journeys.AzureStorage;

namespace ScenarioEngine.Reliability.Tests;

/// <summary>
/// The backend settings: how soon a killed host's task-hub messages come back (the host-kill test depends on it), and extended
/// sessions.
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
