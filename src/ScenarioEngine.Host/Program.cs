using ScenarioEngine.Host.Hosting;

// The standalone host: serves the API and runs the queue workers and scheduled jobs. The Azure Functions app
// (ScenarioEngine.Functions) binds the same code to triggers instead. See docs/hosting.md.
await ScenarioEngineApp.RunAsync(args).ConfigureAwait(false);
