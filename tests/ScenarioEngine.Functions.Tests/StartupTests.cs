using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using ScenarioEngine.Api;
using ScenarioEngine.Functions.Queues;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Functions.Tests;

/// <summary>The startup gate every invocation passes, and the check that the events-queue functions cover the configured queues.</summary>
public sealed class StartupTests
{
    private static EventQueueFunctionsValidator Validator(IDictionary<string, string?> settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    /// <summary>An invocation of a function named <paramref name="name"/> whose trigger binding is of <paramref name="triggerType"/>.</summary>
    internal static FunctionContext Invocation(string name, string triggerType)
    {
        var trigger = new Mock<BindingMetadata>();
        trigger.SetupGet(b => b.Name).Returns("trigger");
        trigger.SetupGet(b => b.Type).Returns(triggerType);
        trigger.SetupGet(b => b.Direction).Returns(BindingDirection.In);
        var definition = new Mock<FunctionDefinition>();
        definition.SetupGet(d => d.Name).Returns(name);
        definition.SetupGet(d => d.InputBindings).Returns(System.Collections.Immutable.ImmutableDictionary<string, BindingMetadata>.Empty.Add("trigger", trigger.Object));
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.FunctionDefinition).Returns(definition.Object);
        context.SetupGet(c => c.CancellationToken).Returns(CancellationToken.None);
        return context.Object;
    }

    [Fact]
    public async Task Middleware_FirstInvocation_InitializesTheEngineThenRunsTheFunction()
    {
        await using var app = await FunctionsApp.StartAsync(new Dictionary<string, string?> { ["Samples:Load"] = "false" });
        var startup = new EngineStartup(app.Services, app.Services.GetRequiredService<HostMode>(), NullLogger<EngineStartup>.Instance);
        var invocation = Invocation("Events0", "queueTrigger");
        var ran = false;

        await new EngineStartupMiddleware(startup, NullLogger<EngineStartupMiddleware>.Instance).Invoke(invocation, _ =>
        {
            ran = startup.IsInitialized;
            return Task.CompletedTask;
        });

        Assert.True(ran, "the function ran before the engine was initialized");
    }

    [Fact]
    public void Validator_FunctionBelowTheCountDisabled_FailsNamingTheSettingAndQueue()
    {
        var result = Validator(new Dictionary<string, string?> { ["AzureWebJobs.Events2.Disabled"] = "true" })
            .Validate(null, new EngineOptions { EventQueueCount = 4 });

        Assert.True(result.Failed);
        Assert.Contains("AzureWebJobs.Events2.Disabled is true, but Engine:EventQueueCount is 4: events on se-events-2 would never be applied", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_MoreQueuesThanFunctions_Fails()
    {
        var result = Validator(new Dictionary<string, string?>()).Validate(null, new EngineOptions { EventQueueCount = QueueFunctions.MaxEventQueues + 1 });

        Assert.True(result.Failed);
        Assert.Contains("Engine:EventQueueCount is 17", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_EventsFunctionBelowTheCountDisabled_DoesNotStart()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            FunctionsApp.StartAsync(new Dictionary<string, string?> { ["AzureWebJobs.Events0.Disabled"] = "true" }));

        Assert.Contains("AzureWebJobs.Events0.Disabled", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalSettingsSample_DisablesExactlyTheEventsFunctionsPastItsCount()
    {
        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionsMetadata.Root, "local.settings.sample.json")))!["Values"]!.AsObject();
        var count = int.Parse(values["Engine__EventQueueCount"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var settings = values.ToDictionary(v => v.Key.Replace("__", ":", StringComparison.Ordinal), v => (string?)v.Value!.GetValue<string>());

        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]!.GetValue<string>());
        Assert.True(Validator(settings).Validate(null, new EngineOptions { EventQueueCount = count }).Succeeded);
        for (var i = count; i < QueueFunctions.MaxEventQueues; i++)
        {
            Assert.Equal("true", values[EventQueueFunctionsValidator.DisabledSetting(i)]?.GetValue<string>());
        }
    }

    [Fact]
    public void Bicep_DeploysTheIsolatedWorkerAndDisablesTheEventsFunctionsPastTheCount()
    {
        var bicep = File.ReadAllText(Path.Combine(FunctionsMetadata.Root, "infra", "main.bicep"));

        Assert.Contains("runtime: { name: 'dotnet-isolated', version: '10.0' }", bicep, StringComparison.Ordinal);
        Assert.Contains($"range(eventQueueCount, {QueueFunctions.MaxEventQueues} - eventQueueCount)", bicep, StringComparison.Ordinal);
        Assert.Contains("name: 'AzureWebJobs.Events${i}.Disabled', value: 'true'", bicep, StringComparison.Ordinal);
        Assert.Contains($"@maxValue({QueueFunctions.MaxEventQueues})", bicep, StringComparison.Ordinal);
        Assert.DoesNotContain("custom", bicep.Replace("customer", "", StringComparison.Ordinal).Replace("Customer", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
