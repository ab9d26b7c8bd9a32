using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using ScenarioEngine.Core.Machine;
using ScenarioEngine.Journeys;
using ScenarioEngine.Journeys.Profiles;
using ScenarioEngine.Journeys.Tests;

namespace ScenarioEngine.Functions.Tests;

/// <summary>
/// The Durable Functions extension reads and writes orchestration inputs, events and activity payloads with the worker's own
/// serializer (<see cref="WorkerOptions.Serializer"/>), not the Durable Task default: the journey payloads survive it.
/// </summary>
public sealed class PayloadSerializationTests
{
    private static ObjectSerializer WorkerSerializer()
    {
        var services = new ServiceCollection();
        services.AddFunctionsWorkerCore();
        return services.BuildServiceProvider().GetRequiredService<IOptions<WorkerOptions>>().Value.Serializer!;
    }

    private static T RoundTrip<T>(ObjectSerializer serializer, T value)
    {
        var data = serializer.Serialize(value, typeof(T), CancellationToken.None);
        return (T)serializer.Deserialize(data.ToStream(), typeof(T), CancellationToken.None)!;
    }

    [Fact]
    public void JourneyPayloads_ThroughTheWorkersSerializer_RoundTrip()
    {
        var serializer = WorkerSerializer();
        var journey = TestJourneys.SendWaitSend();
        var start = TestJourneys.Start(journey, "c1", TestJourneys.Profile("c1", ("tier", Core.Model.Value.From("gold"))));
        var record = new JourneyRecord("c1", start.InstanceId, "j1", 1, 1, DateTimeOffset.UtcNow, [new StepEntered("a", "send"), new Exited("completed")]);
        var command = new SendCommand("c1", start.InstanceId, "j1", 1, "a", "webhook", "m1", false, "k1", 1) {
            Record = record,
            Trigger = new Dictionary<string, Core.Model.Value>(StringComparer.Ordinal) { ["orderId"] = Core.Model.Value.From("o-1") },
        };

        var startBack = RoundTrip(serializer, start);
        var commandBack = RoundTrip(serializer, command);
        var deliveryBack = RoundTrip(serializer, TestJourneys.Delivery("c1", "purchase", "p1"));
        var outcomeBack = RoundTrip(serializer, new SendOutcome(SendStatus.Deferred, "quiet hours", DateTimeOffset.UtcNow.AddHours(1), Rule: "quietHours"));
        var snapshotBack = RoundTrip(serializer, new CustomerProfileSnapshot(TestJourneys.Profile("c1")));

        Assert.Equal(start.InstanceId, startBack.InstanceId);
        Assert.Equal("gold", startBack.Profile.Attributes["tier"].ToString());
        Assert.Equal("signup", startBack.Trigger!.Type);
        Assert.Equal(command with { Record = null, Trigger = Core.Model.CustomerEvent.NoProperties }, commandBack with { Record = null, Trigger = Core.Model.CustomerEvent.NoProperties });
        Assert.Equal("o-1", Assert.Single(commandBack.Trigger, p => p.Key == "orderId").Value.ToString());
        Assert.Equal([typeof(StepEntered), typeof(Exited)], commandBack.Record!.Effects.Select(e => e.GetType()));
        Assert.Equal("purchase", deliveryBack.Event.Type);
        Assert.Equal(SendStatus.Deferred, outcomeBack.Status);
        Assert.Equal("quietHours", outcomeBack.Rule);
        Assert.Equal("c1", snapshotBack.Profile.CustomerId);
    }
}
