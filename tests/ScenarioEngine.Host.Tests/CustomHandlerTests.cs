using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScenarioEngine.Api.Endpoints;
using ScenarioEngine.Host.Hosting;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>
/// The Azure Functions custom-handler endpoints, driven exactly as the Functions host drives them: the test takes each queue
/// message off the queue (as the queue trigger does) and POSTs the invocation payload {"Data", "Metadata"} to /{FunctionName}.
/// </summary>
public sealed class CustomHandlerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        var settings = TestHost.Memory();
        settings["FUNCTIONS_CUSTOMHANDLER_PORT"] = "0";
        _host = await TestHost.StartAsync(output, settings);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private JourneyEngine Engine => _host.Services.GetRequiredService<JourneyEngine>();

    /// <summary>Takes the next visible message of a queue, as the queue trigger would.</summary>
    private async Task<QueueItem?> TakeAsync(string queue)
    {
        var items = await _host.Services.GetRequiredService<IQueueFactory>().Get(queue).ReceiveAsync(1, TimeSpan.FromMinutes(5));
        return items.Count == 0 ? null : items[0];
    }

    private static string QueuePayload(QueueItem item) => new JsonObject
    {
        ["Data"] = new JsonObject { ["message"] = item.Text },
        ["Metadata"] = new JsonObject
        {
            ["DequeueCount"] = item.DequeueCount,
            ["ExpirationTime"] = DateTimeOffset.UtcNow.AddDays(7).ToString("O"),
            ["Id"] = item.Id,
            ["InsertionTime"] = DateTimeOffset.UtcNow.ToString("O"),
            ["NextVisibleTime"] = DateTimeOffset.UtcNow.AddMinutes(10).ToString("O"),
            ["PopReceipt"] = item.PopReceipt,
            ["sys"] = new JsonObject { ["MethodName"] = "Events0", ["UtcNow"] = DateTimeOffset.UtcNow.ToString("O"), ["RandGuid"] = Guid.NewGuid().ToString() },
        },
    }.ToJsonString();

    private static string TimerPayload(string name) => new JsonObject
    {
        ["Data"] = new JsonObject
        {
            ["timer"] = new JsonObject
            {
                ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                ["ScheduleStatus"] = new JsonObject
                {
                    ["Last"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
                    ["Next"] = DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"),
                    ["LastUpdated"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
                },
                ["IsPastDue"] = false,
            },
        },
        ["Metadata"] = new JsonObject { ["sys"] = new JsonObject { ["MethodName"] = name, ["UtcNow"] = DateTimeOffset.UtcNow.ToString("O"), ["RandGuid"] = Guid.NewGuid().ToString() } },
    }.ToJsonString();

    private async Task<JsonNode> InvokeAsync(string function, string payload, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await _host.Anonymous.PostAsync("/" + function, TestHost.Json(payload));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{function}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    [Fact]
    public async Task Health_ReportsCustomHandlerWithoutWorkers()
    {
        var health = await TestHost.ReadAsync(await _host.Anonymous.GetAsync("/api/health"));

        Assert.True(health["customHandler"]!.GetValue<bool>());
        Assert.False(health["workers"]!.GetValue<bool>());
    }

    [Fact]
    public async Task QueueAndTimerInvocations_RunTheWholeJourney()
    {
        await _host.PublishAsync(TestDocuments.FollowUpJourney, TestDocuments.FollowUpMessages);
        await _host.PostEventsAsync($"[{TestDocuments.Identify("c1", "i1")},{TestDocuments.Purchase("c1", "p1", "o-7")}]");
        var eventsQueue = Engine.Options.EventQueueFor("c1");
        var function = "Events" + eventsQueue[(eventsQueue.LastIndexOf('-') + 1)..];

        var events = await TakeAsync(eventsQueue);
        Assert.NotNull(events);
        var response = await InvokeAsync(function, QueuePayload(events));
        Assert.Equal(JsonValueKind.Object, JsonSerializer.Deserialize<JsonElement>(response["Outputs"]!.ToJsonString()).ValueKind);
        Assert.NotEmpty(response["Logs"]!.AsArray());
        Assert.True(response.AsObject().ContainsKey("ReturnValue"));

        var dispatch = await TakeAsync(Engine.Options.DispatchQueue);
        Assert.NotNull(dispatch);
        await InvokeAsync(FunctionsApi.Dispatch, QueuePayload(dispatch));
        var email = _host.Recorded("email");
        Assert.Equal("e2e-thanks", Assert.Single(email.Sent).MessageId);

        // The wait step's timer becomes visible after two seconds, as the queue trigger would see it.
        QueueItem? timer = null;
        await TestHost.WaitUntilAsync(async () => (timer = await TakeAsync(Engine.Options.TimerQueue)) is not null, TimeSpan.FromSeconds(10), "the timer message");
        await InvokeAsync(FunctionsApi.Timers, QueuePayload(timer!));
        var followUp = await TakeAsync(Engine.Options.DispatchQueue);
        await InvokeAsync(FunctionsApi.Dispatch, QueuePayload(followUp!));

        Assert.Equal(["e2e-thanks", "e2e-follow"], email.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task QueueInvocation_MessageAsParsedJson_IsAccepted()
    {
        await _host.PostEventsAsync(TestDocuments.Identify("c2", "i2"));
        var queue = Engine.Options.EventQueueFor("c2");
        var item = await TakeAsync(queue);
        var payload = $$$"""{"Data":{"message":{{{item!.Text}}}},"Metadata":{"DequeueCount":1}}""";

        await InvokeAsync("Events" + queue[(queue.LastIndexOf('-') + 1)..], payload);

        Assert.Equal(1, Engine.Metrics.EventsApplied);
    }

    [Fact]
    public async Task TimerInvocations_SweeperAndScheduledTriggers_Return200()
    {
        var sweep = await InvokeAsync(FunctionsApi.Sweeper, TimerPayload(FunctionsApi.Sweeper));
        var triggers = await InvokeAsync(FunctionsApi.ScheduledTriggers, TimerPayload(FunctionsApi.ScheduledTriggers));

        Assert.Contains("Sweeper", sweep["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("ScheduledTriggers", triggers["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invocation_UnreadableMessage_Returns500SoTheHostRetries()
    {
        var response = await InvokeAsync(FunctionsApi.Dispatch, """{"Data":{"message":"not json"},"Metadata":{"DequeueCount":1}}""", HttpStatusCode.InternalServerError);

        Assert.Contains("Dispatch failed", response["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invocation_UnknownFunctionOrMissingData_Returns404Or400()
    {
        var unknown = await _host.Anonymous.PostAsync("/Events99", TestHost.Json("{}"));
        var noData = await _host.Anonymous.PostAsync("/Timers", TestHost.Json("""{"Metadata":{}}"""));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noData.StatusCode);
    }

    [Fact]
    public async Task Standalone_DoesNotExposeFunctionEndpoints()
    {
        await using var standalone = await TestHost.StartAsync(output, TestHost.Memory());

        var response = await standalone.Anonymous.PostAsync("/Dispatch", TestHost.Json("""{"Data":{"message":"{}"}}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

/// <summary>host.json and the function.json files agree with the engine's queues and the handler's endpoints.</summary>
public sealed class FunctionFilesTests
{
    private static readonly string Root = AzuriteFixture.FindRepositoryRoot();

    private static JsonNode Read(params string[] path) => JsonNode.Parse(File.ReadAllText(Path.Combine([Root, .. path])))!;

    [Fact]
    public void HostJson_DeclaresCustomHandlerWithForwardingAndQueueSettings()
    {
        var host = Read("host.json");

        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.Equal("ScenarioEngine.Host", host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>());
        Assert.True(host["customHandler"]!["enableForwardingHttpRequest"]!.GetValue<bool>());
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", host["extensionBundle"]!["id"]!.GetValue<string>());
        Assert.Equal("api", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        // The engine's queue clients write base64 text, and a message goes to <queue>-poison after the same count either way.
        Assert.Equal("base64", host["extensions"]!["queues"]!["messageEncoding"]!.GetValue<string>());
        Assert.Equal(new EngineOptions().MaxDequeueCount, host["extensions"]!["queues"]!["maxDequeueCount"]!.GetValue<int>());
    }

    [Fact]
    public void QueueFunctions_MatchTheDefaultQueuesOneToOne()
    {
        var options = new EngineOptions();
        var queueFunctions = Directory.GetDirectories(Path.Combine(Root, "functions"))
            .Select(d => (Name: Path.GetFileName(d), Binding: Read("functions", Path.GetFileName(d), "function.json")["bindings"]![0]!))
            .Where(f => f.Binding["type"]!.GetValue<string>() == "queueTrigger")
            .ToList();

        Assert.All(queueFunctions, f =>
        {
            Assert.Equal(FunctionsApi.QueueOf(f.Name, options), f.Binding["queueName"]!.GetValue<string>());
            Assert.Equal("AzureWebJobsStorage", f.Binding["connection"]!.GetValue<string>());
        });
        Assert.Equal(options.AllQueueNamesFor().Order(StringComparer.Ordinal), queueFunctions.Select(f => f.Binding["queueName"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TimerAndHttpFunctions_Exist()
    {
        Assert.Equal("timerTrigger", Read("functions", FunctionsApi.Sweeper, "function.json")["bindings"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("timerTrigger", Read("functions", FunctionsApi.ScheduledTriggers, "function.json")["bindings"]![0]!["type"]!.GetValue<string>());
        var api = Read("functions", "Api", "function.json")["bindings"]!.AsArray();
        Assert.Equal("httpTrigger", api[0]!["type"]!.GetValue<string>());
        Assert.Equal("{*path}", api[0]!["route"]!.GetValue<string>());
        Assert.Equal("anonymous", api[0]!["authLevel"]!.GetValue<string>());
        Assert.Equal("http", api[1]!["type"]!.GetValue<string>());
    }
}

internal static class EngineOptionsTestExtensions
{
    public static IEnumerable<string> AllQueueNamesFor(this EngineOptions o) =>
        Enumerable.Range(0, o.EventQueueCount).Select(o.EventQueue).Append(o.TimerQueue).Append(o.DispatchQueue);
}
