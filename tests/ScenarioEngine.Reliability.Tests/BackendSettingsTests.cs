using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Journeys.AzureStorage;

namespace ScenarioEngine.Reliability.Tests;

/// <summary>The backend setting the host-kill test depends on: how soon a killed host's task-hub messages come back.</summary>
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
}
