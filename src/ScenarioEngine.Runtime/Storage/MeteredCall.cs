using System.Diagnostics;
using ScenarioEngine.Runtime.Diagnostics;

namespace ScenarioEngine.Runtime.Storage;

/// <summary>Records one storage call on <see cref="EngineMeter"/> once it ends (succeeded or not).</summary>
internal static class MeteredCall
{
    /// <summary>Awaits <paramref name="call"/>, started at <paramref name="start"/> (a <see cref="Stopwatch"/> timestamp taken before it).</summary>
    public static async Task Run(string operation, long start, Task call)
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

    /// <inheritdoc cref="Run(string, long, Task)"/>
    public static async Task<T> Run<T>(string operation, long start, Task<T> call)
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
