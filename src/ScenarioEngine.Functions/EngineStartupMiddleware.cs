using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using ScenarioEngine.Api;

namespace ScenarioEngine.Functions;

/// <summary>
/// Makes every invocation wait for <see cref="EngineStartup"/> (tables, queues, catalog), which runs once per process: the worker
/// takes invocations as soon as it connects to the host, before hosted services could be relied on to have finished.
/// An orchestration must not await anything but durable tasks (the extension fails an orchestrator whose pipeline goes
/// asynchronous), so for an orchestration trigger the first, not yet initialized, invocation of a process waits for the
/// initialization synchronously; every later one finds it done.
/// </summary>
public sealed class EngineStartupMiddleware(EngineStartup startup, ILogger<EngineStartupMiddleware> logger) : IFunctionsWorkerMiddleware
{
    /// <inheritdoc />
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            if (IsOrchestration(context))
            {
                if (!startup.IsInitialized)
                {
                    // Run on the thread pool: the orchestration's own scheduler must not run the initialization's continuations.
                    Task.Run(() => startup.EnsureInitializedAsync(context.CancellationToken)).GetAwaiter().GetResult();
                }
            }
            else
            {
                await startup.EnsureInitializedAsync(context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StartupFailed(logger, context.FunctionDefinition.Name, ex);
            throw;
        }

        await next(context).ConfigureAwait(false);
    }

    private static bool IsOrchestration(FunctionContext context) =>
        context.FunctionDefinition.InputBindings.Values.Any(b => string.Equals(b.Type, "orchestrationTrigger", StringComparison.OrdinalIgnoreCase));
}
