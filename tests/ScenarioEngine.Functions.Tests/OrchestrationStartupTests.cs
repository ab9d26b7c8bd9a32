using Microsoft.Extensions.Logging.Abstractions;
using ScenarioEngine.Api;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Functions.Tests;

/// <summary>The startup gate on an orchestration trigger, on Azurite (where initializing really is asynchronous).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OrchestrationStartupTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Middleware_FirstOrchestrationInvocation_InitializesThenRunsTheOrchestratorWithoutGoingAsynchronous()
    {
        // The Durable Functions extension fails an orchestration whose pipeline returns an incomplete task before the
        // orchestrator touched its context: the orchestrator must run within the middleware's synchronous part. On Azurite the
        // initialization does go asynchronous (it creates the tables and queues).
        var prefix = "fn" + Guid.NewGuid().ToString("N")[..12];
        await using var app = await FunctionsApp.StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Samples:Load"] = "false",
            ["Engine:QueuePrefix"] = prefix,
            ["Engine:CustomersTable"] = prefix + "customers",
            ["Engine:DefinitionsTable"] = prefix + "definitions",
            ["Engine:AuditTable"] = prefix + "audit",
        });
        var startup = new EngineStartup(app.Services, app.Services.GetRequiredService<HostMode>(), NullLogger<EngineStartup>.Instance);
        var ran = false;

        var invoked = new EngineStartupMiddleware(startup, NullLogger<EngineStartupMiddleware>.Instance).Invoke(StartupTests.Invocation("journey", "orchestrationTrigger"), _ =>
        {
            ran = startup.IsInitialized;
            return Task.CompletedTask;
        });

        Assert.True(invoked.IsCompleted, "the middleware went asynchronous before the orchestrator ran");
        Assert.True(ran, "the orchestrator ran before the engine was initialized");
        await invoked;
    }
}
