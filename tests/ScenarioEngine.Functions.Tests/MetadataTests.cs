using System.Text.Json.Nodes;
using ScenarioEngine.Api.Jobs;
using ScenarioEngine.Functions.Queues;
using ScenarioEngine.Functions.Timers;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Functions.Tests;

/// <summary>Each function's trigger and bindings in the build's functions.metadata, and the host.json copied beside it.</summary>
public sealed class MetadataTests
{
    /// <summary>A queue name with host's %Engine:QueuePrefix% resolved, as the Functions host resolves it from the app setting.</summary>
    private static string QueueName(string function, EngineOptions options) =>
        FunctionsMetadata.Trigger(function)["queueName"]!.GetValue<string>().Replace("%Engine:QueuePrefix%", options.QueuePrefix, StringComparison.Ordinal);

    [Fact]
    public void QueueFunctions_ListenOnTheEngineQueuesAsStrings()
    {
        var options = new EngineOptions { QueuePrefix = "shop1", EventQueueCount = QueueFunctions.MaxEventQueues };

        for (var i = 0; i < QueueFunctions.MaxEventQueues; i++)
        {
            Assert.Equal(options.EventQueue(i), QueueName(QueueFunctions.EventsPrefix + i, options));
        }

        Assert.All(FunctionsMetadata.All.Keys.Where(f => FunctionsMetadata.TriggerType(f) == "queueTrigger"), f =>
        {
            var trigger = FunctionsMetadata.Trigger(f);
            Assert.Equal("AzureWebJobsStorage", trigger["connection"]!.GetValue<string>());
            Assert.Equal("String", trigger["dataType"]!.GetValue<string>());
            Assert.Equal("In", trigger["direction"]!.GetValue<string>());
        });
    }

    [Theory]
    [InlineData(ScheduledJobs.Counts, JobFunctions.CountsSchedule)]
    [InlineData(ScheduledJobs.ScheduledTriggers, JobFunctions.ScheduledTriggersSchedule)]
    [InlineData(ScheduledJobs.Analytics, JobFunctions.AnalyticsSchedule)]
    public void TimerFunctions_HaveTheirSchedules(string job, string schedule)
    {
        var trigger = FunctionsMetadata.Trigger(job);

        Assert.Equal("timerTrigger", trigger["type"]!.GetValue<string>());
        Assert.Equal(schedule, trigger["schedule"]!.GetValue<string>());
    }

    [Fact]
    public void QueueFunctions_AreExactlyTheEventsQueues()
    {
        // Journeys step on Durable Task: no timers or dispatch queue is bound, only Events0 to Events15.
        var queues = FunctionsMetadata.All.Keys.Where(f => FunctionsMetadata.TriggerType(f) == "queueTrigger").Order(StringComparer.Ordinal);

        Assert.Equal(Enumerable.Range(0, QueueFunctions.MaxEventQueues).Select(i => QueueFunctions.EventsPrefix + i).Order(StringComparer.Ordinal), queues);
    }

    [Fact]
    public void TimerFunctions_AreExactlyTheJobs()
    {
        var timers = FunctionsMetadata.All.Keys.Where(f => FunctionsMetadata.TriggerType(f) == "timerTrigger").Order(StringComparer.Ordinal);

        Assert.Equal(new[] { ScheduledJobs.Analytics, ScheduledJobs.Counts, ScheduledJobs.ScheduledTriggers }.Order(StringComparer.Ordinal), timers);
    }

    [Fact]
    public void TimerSchedules_AreSixFieldCronInUtc()
    {
        Assert.Equal("0 */1 * * * *", JobFunctions.CountsSchedule);
        Assert.Equal(TimeSpan.FromMinutes(1), JobFunctions.Periods[ScheduledJobs.Counts]);
        Assert.Equal("0 */5 * * * *", JobFunctions.ScheduledTriggersSchedule);
        Assert.Equal(TimeSpan.FromMinutes(5), JobFunctions.Periods[ScheduledJobs.ScheduledTriggers]);
        Assert.Equal("0 0 18 * * *", JobFunctions.AnalyticsSchedule);
    }

    [Fact]
    public void HttpFunctions_AreAnonymousWithAnHttpResult()
    {
        var http = FunctionsMetadata.All.Keys.Where(f => FunctionsMetadata.TriggerType(f) == "httpTrigger").ToList();

        Assert.Equal(42, http.Count);
        Assert.All(http, f =>
        {
            // The API checks its own keys; a Functions key would be a second, different gate.
            Assert.Equal("Anonymous", FunctionsMetadata.Trigger(f)["authLevel"]!.GetValue<string>());
            Assert.Contains(FunctionsMetadata.All[f]["bindings"]!.AsArray(), b => b!["type"]!.GetValue<string>() == "http" && b["direction"]!.GetValue<string>() == "Out");
            Assert.Equal("dotnet-isolated", FunctionsMetadata.All[f]["language"]!.GetValue<string>());
        });
    }

    [Theory]
    [InlineData("journey", "orchestrationTrigger", "context")]
    [InlineData("journey-send", "activityTrigger", "input")]
    [InlineData("journey-record", "activityTrigger", "input")]
    [InlineData("journey-profile", "activityTrigger", "input")]
    public void JourneyFunctions_AreNamedAsTheTasksWithTheirTriggers(string function, string trigger, string parameter)
    {
        var binding = FunctionsMetadata.Trigger(function);

        Assert.Equal(trigger, binding["type"]!.GetValue<string>());
        Assert.Equal(parameter, binding["name"]!.GetValue<string>());
        Assert.Equal("In", binding["direction"]!.GetValue<string>());
        // The orchestrator and activities take no other bindings: their ports come from the app's services.
        Assert.Single(FunctionsMetadata.All[function]["bindings"]!.AsArray());
    }

    [Fact]
    public void TriggeredFunctions_EachBindsTheDurableClient()
    {
        // Every HTTP, queue and timer function hands a Durable Task client to FunctionsJourneyInstances before the shared code runs.
        var triggered = FunctionsMetadata.All.Keys.Where(f => FunctionsMetadata.TriggerType(f) is "httpTrigger" or "queueTrigger" or "timerTrigger").ToList();

        Assert.NotEmpty(triggered);
        Assert.All(triggered, f => Assert.Contains(FunctionsMetadata.All[f]["bindings"]!.AsArray(), b =>
            b!["type"]!.GetValue<string>() == "durableClient" && b["direction"]!.GetValue<string>() == "In"));
    }

    [Fact]
    public void HttpRoutes_NoneUnderTheHostsReservedAdminPrefix()
    {
        // The Functions host refuses function routes starting with "admin" (its own management API), whatever the routePrefix.
        Assert.All(FunctionsMetadata.All.Keys.Where(f => FunctionsMetadata.TriggerType(f) == "httpTrigger"), f =>
            Assert.False(FunctionsMetadata.Trigger(f)["route"]!.GetValue<string>().StartsWith("admin", StringComparison.OrdinalIgnoreCase), f));
    }

    [Fact]
    public void HostJson_IsTheRepositorysWithRoutePrefixAndQueueSettingsAndNoCustomHandler()
    {
        var copied = File.ReadAllText(Path.Combine(FunctionsMetadata.OutputFolder, "host.json"));
        var host = JsonNode.Parse(copied)!;

        Assert.Equal(File.ReadAllText(Path.Combine(FunctionsMetadata.Root, "host.json")), copied);
        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.Null(host["customHandler"]);
        // The isolated worker brings its own extensions (extensions.json beside the metadata); a bundle would be a second set.
        Assert.Null(host["extensionBundle"]);
        Assert.True(File.Exists(Path.Combine(FunctionsMetadata.OutputFolder, "extensions.json")));
        Assert.Equal("api", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        // The engine writes Base64 queue messages, and a message goes to <queue>-poison after the same count in both hosts.
        Assert.Equal("base64", host["extensions"]!["queues"]!["messageEncoding"]!.GetValue<string>());
        Assert.Equal(new EngineOptions().MaxDequeueCount, host["extensions"]!["queues"]!["maxDequeueCount"]!.GetValue<int>());
    }

    [Fact]
    public void HostJson_DurableTaskOnAzureStorageWithTheHubFromAnAppSetting()
    {
        var durable = JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionsMetadata.OutputFolder, "host.json")))!["extensions"]!["durableTask"]!;
        var storage = durable["storageProvider"]!;

        Assert.Equal("%Journeys:TaskHubName%", durable["hubName"]!.GetValue<string>());
        // A start for an id that is pending or running is refused (the port's contract); one that ended may start again.
        Assert.Equal("NonRunningStates", durable["overridableExistingInstanceStates"]!.GetValue<string>());
        Assert.Equal("AzureStorage", storage["type"]!.GetValue<string>());
        Assert.Equal("AzureWebJobsStorage", storage["connectionName"]!.GetValue<string>());
        Assert.InRange(storage["partitionCount"]!.GetValue<int>(), 1, 16);
        Assert.Equal(TimeSpan.FromSeconds(1), TimeSpan.Parse(storage["maxQueuePollingInterval"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
