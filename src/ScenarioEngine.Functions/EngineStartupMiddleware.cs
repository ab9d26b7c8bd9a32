using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using ScenarioEngine.Api;

namespace ScenarioEngine.Functions;

/// <summary>
/// Makes every invocation wait for <see cref="EngineStartup"/> (tables, queues, catalog), which runs once per process: the worker
/// takes invocations as soon as it connects to the host, before hosted services could be relied on to have finished.
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
            await startup.EnsureInitializedAsync(context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StartupFailed(logger, context.FunctionDefinition.Name, ex);
            throw;
        }

        await next(context).ConfigureAwait(false);
    }
}
