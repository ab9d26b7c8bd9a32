using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using ScenarioEngine.Api;
using ScenarioEngine.Functions;

// The Azure Functions isolated-worker app: the same services as the standalone host, with triggers instead of hosted workers.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<EngineStartupMiddleware>();
builder.Services.AddScenarioEngine(builder.Configuration, workers: false, HostMode.Functions);
builder.Services.AddScenarioEngineFunctions();
await builder.Build().RunAsync().ConfigureAwait(false);
