using ScenarioEngine.Api;
using ScenarioEngine.Host.Hosting;

// Standalone: serves the API and runs the workers. Under the Azure Functions host (FUNCTIONS_CUSTOMHANDLER_PORT set): serves
// the forwarded HTTP requests and the queue and timer invocations. See docs/hosting.md.
await ScenarioEngineApp.RunAsync(args).ConfigureAwait(false);
