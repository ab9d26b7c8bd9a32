using Microsoft.AspNetCore.Routing;
using ScenarioEngine.Api.Jobs;
using ScenarioEngine.Functions.Timers;

namespace ScenarioEngine.Functions.Tests;

/// <summary>Every endpoint and every job is bound in both hosts: the standalone host's endpoint table and jobs against the Functions metadata.</summary>
public sealed class BothHostsTests
{
    private static string Name(RouteEndpoint e) => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? e.DisplayName ?? "";

    [Fact]
    public async Task StandaloneEndpoints_EachHasAnHttpFunctionOfTheSameNameRouteAndMethods()
    {
        var endpoints = await StandaloneHost.EndpointsAsync();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e =>
        {
            var name = Name(e);
            Assert.True(FunctionsMetadata.All.ContainsKey(name), $"The standalone endpoint {e.RoutePattern.RawText} ({name}) has no Functions HTTP trigger.");
            var trigger = FunctionsMetadata.Trigger(name);
            Assert.Equal("httpTrigger", trigger["type"]!.GetValue<string>());
            // host.json's routePrefix "api" stands for the standalone routes' /api/.
            Assert.Equal(e.RoutePattern.RawText!.TrimEnd('/'), "/api/" + trigger["route"]!.GetValue<string>());
            var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => m.ToLowerInvariant()).Order(StringComparer.Ordinal);
            Assert.Equal(methods, trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>()).Order(StringComparer.Ordinal));
        });
    }

    [Fact]
    public async Task HttpFunctions_EachIsAStandaloneEndpoint()
    {
        var names = (await StandaloneHost.EndpointsAsync()).Select(Name).ToHashSet(StringComparer.Ordinal);

        var http = FunctionsMetadata.All.Keys.Where(f => FunctionsMetadata.TriggerType(f) == "httpTrigger").ToList();

        Assert.Equal(names.Order(StringComparer.Ordinal), http.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ScheduledJobs_EachRunsInTheStandaloneWorkersAndHasATimerFunction()
    {
        var standalone = await StandaloneHost.JobsAsync();
        var timers = FunctionsMetadata.All.Keys.Where(f => FunctionsMetadata.TriggerType(f) == "timerTrigger");

        Assert.Equal(ScheduledJobs.Names.Order(StringComparer.Ordinal), standalone.Order(StringComparer.Ordinal));
        Assert.Equal(ScheduledJobs.Names.Order(StringComparer.Ordinal), timers.Order(StringComparer.Ordinal));
        Assert.All(ScheduledJobs.Names, job => Assert.True(JobFunctions.Periods.ContainsKey(job), $"{job} has no timer period"));
    }

    [Fact]
    public void Metadata_EveryFunctionIsAnEndpointAQueueAJobOrAJourneyTask()
    {
        // Queue triggers are held equal to the events queues in MetadataTests, journey tasks (orchestrationTrigger,
        // activityTrigger) to AddJourneyTasks in JourneyFunctionTests.
        Assert.All(FunctionsMetadata.All.Keys, f =>
            Assert.Contains(FunctionsMetadata.TriggerType(f), new[] { "httpTrigger", "queueTrigger", "timerTrigger", "orchestrationTrigger", "activityTrigger" }));
    }
}
