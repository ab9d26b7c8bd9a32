using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScenarioEngine.Functions.Http;
using ScenarioEngine.Functions.Journeys;
using ScenarioEngine.Journeys.Hosting;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Functions;

/// <summary>What the Functions app registers on top of <see cref="Api.ScenarioEngineServices.AddScenarioEngine"/>.</summary>
public static class FunctionsServices
{
    /// <summary>The configuration section of <see cref="JourneyInstancesOptions"/>.</summary>
    public const string JourneyInstancesSection = "Journeys:Instances";

    /// <summary>
    /// The API endpoint table the HTTP functions run (also the application's <see cref="EndpointDataSource"/>, which the OpenAPI
    /// document describes: the worker's own routing matches its function endpoints from its own builder, not from this service),
    /// the check that the events-queue functions cover the queues, and <see cref="IJourneyInstances"/> over the client each function
    /// binds (<see cref="FunctionsJourneyInstances"/>; Journeys:Instances settings, raising only after a start is processed unless
    /// Journeys:Instances:WaitForStartBeforeRaise is false).
    /// </summary>
    public static IServiceCollection AddScenarioEngineFunctions(this IServiceCollection services)
    {
        services.AddSingleton<ApiEndpoints>();
        services.RemoveAll<EndpointDataSource>();
        services.AddSingleton(sp => sp.GetRequiredService<ApiEndpoints>().DataSource);
        services.AddSingleton<IValidateOptions<EngineOptions>, EventQueueFunctionsValidator>();
        // The Durable Functions extension does not expose DisableExecutionStartedDeduplication: see docs/functions.md.
        services.AddOptions<JourneyInstancesOptions>()
            .Configure(o => o.WaitForStartBeforeRaise = true)
            .BindConfiguration(JourneyInstancesSection)
            .Validate(o => o.StartWaitTimeout > TimeSpan.Zero, $"{JourneyInstancesSection}:{nameof(JourneyInstancesOptions.StartWaitTimeout)} must be positive.")
            .ValidateOnStart();
        services.AddSingleton<FunctionsJourneyInstances>();
        services.RemoveAll<IJourneyInstances>();
        services.AddSingleton<IJourneyInstances>(sp => sp.GetRequiredService<FunctionsJourneyInstances>());
        return services;
    }
}
