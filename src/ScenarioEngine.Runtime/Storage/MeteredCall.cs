using System.Diagnostics;
using ScenarioEngine.Runtime.Diagnostics;

namespace ScenarioEngine.Runtime.Storage;

/// <summary>
/// Records one storage call on <see cref="EngineMeter"/> once it ends (succeeded or not). Every storage call of the engine passes
/// here, so the common cases cost no allocation: with no listener on the storage instruments the call's own task is returned
/// untouched, and a call that has already ended (the in-memory provider's usual case) is recorded at once and returned as it is.
/// Only a call still running while someone listens is awaited in an async method.
/// </summary>
internal static class MeteredCall
{
    /// <summary>Records <paramref name="call"/>, started at <paramref name="start"/> (a <see cref="Stopwatch"/> timestamp taken before it), when it ends.</summary>
    public static Task Run(string operation, long start, Task call) => ReturnedAsIs(operation, start, call) ? call : Awaited(operation, start, call);

    /// <inheritdoc cref="Run(string, long, Task)"/>
    public static Task<T> Run<T>(string operation, long start, Task<T> call) => ReturnedAsIs(operation, start, call) ? call : Awaited(operation, start, call);

    // True when the call's own task can be returned: nobody listens, or it has ended (and is recorded here).
    private static bool ReturnedAsIs(string operation, long start, Task call)
    {
        if (!EngineMeter.StorageMetered)
        {
            return true;
        }

        if (!call.IsCompleted)
        {
            return false;
        }

        EngineMeter.StorageCall(operation, start);
        return true;
    }

    private static async Task Awaited(string operation, long start, Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        finally
        {
            EngineMeter.StorageCall(operation, start);
        }
    }

    private static async Task<T> Awaited<T>(string operation, long start, Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        finally
        {
            EngineMeter.StorageCall(operation, start);
        }
    }
}
