using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using ScenarioEngine.Api;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Functions.Tests;

/// <summary>
/// Whole journeys driven only through the Functions wrappers, as the Functions host would: publish and post events over the HTTP
/// functions, the events message taken off its queue and handed to its events-queue function, which starts the journey with a real
/// Durable Task client; the in-memory Durable Task test host runs the app's orchestrator and activity functions over its services.
/// </summary>
public sealed class JourneyThroughFunctionsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string Journey(string wait) => """
        {
          "id": "fn-follow-up", "name": "Thanks, then a follow-up", "trigger": { "event": "purchase" }, "start": "thanks",
          "steps": {
            "thanks": { "type": "send", "medium": "email", "message": "fn-thanks", "next": "pause" },
            "pause":  { "type": "wait", "for": "WAIT", "next": "follow" },
            "follow": { "type": "send", "medium": "email", "message": "fn-follow", "next": "done" },
            "done":   { "type": "exit" }
          }
        }
        """.Replace("WAIT", wait, StringComparison.Ordinal);

    [Fact]
    public async Task PublishPostAndEventsQueueFunction_SendWaitSend_SendsBothMessagesInOrder()
    {
        await using var app = await FunctionsApp.StartAsync();
        await using var host = await JourneyFunctionsHost.StartAsync(app.Services);

        var instanceId = await PublishAndPurchaseAsync(app, host.Client, "PT1S");

        var done = await host.Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, Cancel());
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        Assert.Equal(["fn-thanks", "fn-follow"], Email(app).Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task EraseCustomerFunction_CustomerWaitingInAJourney_TerminatesTheInstanceThroughTheBoundClient()
    {
        await using var app = await FunctionsApp.StartAsync();
        await using var host = await JourneyFunctionsHost.StartAsync(app.Services);
        var instanceId = await PublishAndPurchaseAsync(app, host.Client, "PT1H");
        using (var cancel = new CancellationTokenSource(Timeout))
        {
            while (!Email(app).Sent.Any())
            {
                await Task.Delay(50, cancel.Token);
            }
        }

        await Expect(200, app.Request("DELETE", "/api/customers/c9", FunctionsApp.AdminKey), app.Api.EraseCustomer, host.Client);

        var ended = await host.Client.WaitForInstanceCompletionAsync(instanceId, Cancel());
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, ended.RuntimeStatus);
        Assert.Equal(["fn-thanks"], Email(app).Sent.Select(m => m.MessageId));
    }

    private static CancellationToken Cancel() => new CancellationTokenSource(Timeout).Token;

    private static RecordingChannel Email(FunctionsApp app) => app.Services.GetRequiredService<ChannelSet>().Recording("email")!;

    /// <summary>Publishes the journey with this wait over HTTP, then has customer c9 purchase: the id of the instance it started.</summary>
    private static async Task<string> PublishAndPurchaseAsync(FunctionsApp app, DurableTaskClient client, string wait)
    {
        await PublishAsync(app, client, wait);
        await PurchaseAsync(app, client, "c9");
        return await InstanceIdAsync(client);
    }

    private static async Task PublishAsync(FunctionsApp app, DurableTaskClient client, string wait)
    {
        await Expect(200, app.Request("PUT", "/api/messages/fn-thanks", FunctionsApp.AdminKey, """{ "id": "fn-thanks", "email": { "subject": "Thanks", "text": "Thanks" } }"""), app.Api.PutMessage, client);
        await Expect(200, app.Request("PUT", "/api/messages/fn-follow", FunctionsApp.AdminKey, """{ "id": "fn-follow", "email": { "subject": "And?", "text": "And?" } }"""), app.Api.PutMessage, client);
        await Expect(200, app.Request("PUT", "/api/journeys/fn-follow-up/draft", FunctionsApp.AdminKey, Journey(wait)), app.Api.PutJourneyDraft, client);
        await Expect(201, app.Request("POST", "/api/journeys/fn-follow-up/publish", FunctionsApp.AdminKey), app.Api.PublishJourney, client);
    }

    /// <summary>Posts the customer's identify and purchase over HTTP and hands the queued message to its events-queue function.</summary>
    private static async Task PurchaseAsync(FunctionsApp app, DurableTaskClient client, string customer)
    {
        var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var events = """
            [{"type":"identify","customerId":"CUSTOMER","occurredAt":"NOW","properties":{"email":"CUSTOMER@example.com","consent":{"email":true}}},
             {"type":"purchase","customerId":"CUSTOMER","occurredAt":"NOW","properties":{"orderId":"o-9","amount":100}}]
            """.Replace("NOW", now, StringComparison.Ordinal).Replace("CUSTOMER", customer, StringComparison.Ordinal);
        await Expect(202, app.Request("POST", "/api/events", FunctionsApp.EventsKey, events), app.Api.PostEvents, client);
        var queue = app.Engine.Options.EventQueueFor(customer);
        var function = typeof(Queues.QueueFunctions).GetMethod(Queues.QueueFunctions.EventsPrefix + queue[(queue.LastIndexOf('-') + 1)..])!;

        await (Task)function.Invoke(app.Queues, [(await app.TakeAsync(queue)).Text, client, CancellationToken.None])!;
    }

    /// <summary>The one orchestration the events function started.</summary>
    private static async Task<string> InstanceIdAsync(DurableTaskClient client)
    {
        var ids = new List<string>();
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery()))
        {
            ids.Add(instance.InstanceId);
        }

        return Assert.Single(ids);
    }

    private static async Task Expect(int status, HttpRequest request, Func<HttpRequest, DurableTaskClient, Task<IResult>> function, DurableTaskClient client)
    {
        await function(request, client);
        var (actual, body) = FunctionsApp.Response(request);
        Assert.True(actual == status, $"{request.Method} {request.Path}: {actual} {body}");
    }
}
