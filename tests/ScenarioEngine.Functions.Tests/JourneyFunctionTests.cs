using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Functions.Journeys;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.Hosting;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;
using ScenarioEngine.Journeys.Tests;

namespace ScenarioEngine.Functions.Tests;

/// <summary>The orchestration and activity functions called as the worker calls them: each reaches the Journeys library's own class.</summary>
public sealed class JourneyFunctionTests
{
    private readonly FakeCatalog _catalog = new();
    private readonly FakeLedger _ledger = new();
    private readonly FakeChannel _channel = new();

    /// <summary>The app's services as the lead's AddScenarioEngine provides them to the functions: the ports, here fakes.</summary>
    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IJourneyCatalog>(_catalog);
        services.AddSingleton(new JourneyOrchestrationOptions { ActivityRetryInterval = TimeSpan.FromMilliseconds(200) });
        services.AddSingleton<ISendLedger>(_ledger);
        services.AddSingleton<ICustomerProfiles>(_ledger);
        services.AddSingleton<ISendConfirmations>(_ledger);
        services.AddSingleton(new SendSettlementOptions());
        services.AddSingleton<SendSettlement>();
        var gateState = new FakeSendGateState();
        services.AddSingleton<ISendRates>(gateState);
        services.AddSingleton<IChannelCircuits>(gateState);
        services.AddSingleton(new SendingOptions());
        services.AddSingleton<SendGate>();
        services.AddSingleton<IJourneyRecorder>(_ledger.Recorder);
        services.AddSingleton<ISendChannel>(_channel);
        services.AddSingleton(new SendPolicyOptions());
        services.AddSingleton(TimeProvider.System);
        return services.BuildServiceProvider();
    }

    private static FunctionContext Invocation(IServiceProvider services) => JourneyFunctionsHost.Invocation(services);

    private static SendCommand Command(string customerId, string instanceId) =>
        new(customerId, instanceId, "j1", 1, "a", "webhook", "m1", false, instanceId + ":1:a", 1);

    [Fact]
    public async Task Send_ClaimableSend_SendsThroughTheChannelOnce()
    {
        await using var services = Services();
        _ledger.Put(TestJourneys.Profile("c1"));
        var command = Command("c1", "i1");

        var first = await JourneyFunctions.Send(command, "i1", Invocation(services));
        var again = await JourneyFunctions.Send(command, "i1", Invocation(services));

        Assert.Equal(SendStatus.Sent, first.Status);
        Assert.Equal(SendStatus.Sent, again.Status);
        Assert.Equal(["m1"], _channel.MessagesFor("i1"));
    }

    [Fact]
    public async Task Record_Batch_WritesItThroughTheRecorder()
    {
        await using var services = Services();
        var record = new JourneyRecord("c1", "i1", "j1", 1, 1, DateTimeOffset.UtcNow, [new StepEntered("a", "send")]);

        var count = await JourneyFunctions.Record(record, "i1", Invocation(services));

        Assert.Equal(1, count);
        Assert.Equal(record.Effects, Assert.Single(_ledger.Recorder.For("i1")).Effects);
    }

    [Fact]
    public async Task Profile_StoredCustomer_ReadsTheCurrentProfile()
    {
        await using var services = Services();
        _ledger.Put(TestJourneys.Profile("c1", ("tier", Core.Model.Value.From("gold"))));

        var snapshot = await JourneyFunctions.Profile("c1", "i1", Invocation(services));

        Assert.Equal("gold", snapshot.Profile.Attributes["tier"].ToString());
    }

    [Fact]
    public async Task Profile_NoCustomerId_ThrowsNamingTheInput()
    {
        await using var services = Services();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => JourneyFunctions.Profile(" ", "i1", Invocation(services)));

        Assert.Contains("customer id", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journey_OnTheTestHost_RunsTheJourneyThroughTheActivityFunctions()
    {
        // The test host runs the functions' own code as its orchestrator and activities, so each durable call goes through a wrapper.
        await using var services = Services();
        var journey = TestJourneys.SendWaitSend();
        _catalog.Publish(journey);
        _ledger.Put(TestJourneys.Profile("c1"));
        await using var host = await JourneyFunctionsHost.StartAsync(services);
        var instances = new FunctionsJourneyInstances(Options.Create(new JourneyInstancesOptions()), NullLogger<DurableTaskClientJourneyInstances>.Instance);
        instances.Use(host.Client);
        var start = TestJourneys.Start(journey, "c1");

        await instances.StartAsync(start);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await host.Client.WaitForInstanceCompletionAsync(start.InstanceId, getInputsAndOutputs: true, timeout.Token);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        Assert.Equal("completed", done.ReadOutputAs<JourneyOutcome>()!.ExitReason);
        Assert.Equal(["m1", "m2"], _channel.MessagesFor(start.InstanceId));
        Assert.Equal(2, _ledger.Recorder.For(start.InstanceId).Count());
    }

    [Fact]
    public void JourneyTasks_EachRegisteredTaskHasAFunctionOfItsNameAndTrigger()
    {
        var registry = new DurableTaskRegistry().AddJourneyTasks(new FakeCatalog(), new JourneyOrchestrationOptions());

        var orchestrators = Registered(registry, "Orchestrators");
        var activities = Registered(registry, "Activities");

        Assert.Equal([JourneyOrchestrator.Name], orchestrators);
        Assert.NotEmpty(activities);
        Assert.All(orchestrators, name => Assert.Equal("orchestrationTrigger", FunctionsMetadata.TriggerType(name)));
        Assert.All(activities, name =>
        {
            Assert.True(FunctionsMetadata.All.ContainsKey(name), $"The journey activity {name} has no Functions activity trigger: add one to JourneyFunctions.");
            Assert.Equal("activityTrigger", FunctionsMetadata.TriggerType(name));
        });
        var durable = FunctionsMetadata.All.Keys.Where(f => FunctionsMetadata.TriggerType(f) is "orchestrationTrigger" or "activityTrigger");
        Assert.Equal(orchestrators.Concat(activities).Order(StringComparer.Ordinal), durable.Order(StringComparer.Ordinal));
    }

    /// <summary>The task names a registry holds (its collections of (name, factory) are not public; read them so a new task cannot go unbound).</summary>
    private static List<string> Registered(DurableTaskRegistry registry, string kind)
    {
        var property = typeof(DurableTaskRegistry).GetProperty(kind, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException($"DurableTaskRegistry has no {kind} property: the package changed; read its tasks another way.");
        var tasks = (System.Collections.IEnumerable)property.GetValue(registry)!;
        return tasks.Cast<object>().Select(entry => ((TaskName)entry.GetType().GetProperty("Key")!.GetValue(entry)!).Name).Order(StringComparer.Ordinal).ToList();
    }
}
