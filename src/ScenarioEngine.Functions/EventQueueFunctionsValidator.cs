using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ScenarioEngine.Functions.Queues;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Functions;

/// <summary>
/// Refuses to start when the events-queue functions do not cover Engine:EventQueueCount: more queues than there are functions,
/// or a function below the count turned off with AzureWebJobs.EventsN.Disabled (its queue's events would never be applied).
/// </summary>
public sealed class EventQueueFunctionsValidator(IConfiguration configuration) : IValidateOptions<EngineOptions>
{
    /// <summary>The app setting that turns an events-queue function off.</summary>
    public static string DisabledSetting(int index) => $"AzureWebJobs.{QueueFunctions.EventsPrefix}{index.ToString(CultureInfo.InvariantCulture)}.Disabled";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.EventQueueCount > QueueFunctions.MaxEventQueues)
        {
            return ValidateOptionsResult.Fail(
                $"Engine:EventQueueCount is {options.EventQueueCount}, but the Functions app has events-queue functions for {QueueFunctions.MaxEventQueues} queues at most (Events0 to Events{QueueFunctions.MaxEventQueues - 1}).");
        }

        var failures = new List<string>();
        for (var i = 0; i < options.EventQueueCount; i++)
        {
            if (bool.TryParse(configuration[DisabledSetting(i)], out var disabled) && disabled)
            {
                failures.Add($"{DisabledSetting(i)} is true, but Engine:EventQueueCount is {options.EventQueueCount}: events on {options.EventQueue(i)} would never be applied. Remove the setting or set it to false.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
