using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScenarioEngine.Functions.Http;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Functions;

/// <summary>What the Functions app registers on top of <see cref="Api.ScenarioEngineServices.AddScenarioEngine"/>.</summary>
public static class FunctionsServices
{
    /// <summary>
    /// The API endpoint table the HTTP functions run (also the application's <see cref="EndpointDataSource"/>, which the OpenAPI
    /// document describes: the worker's own routing matches its function endpoints from its own builder, not from this service),
    /// and the check that the events-queue functions cover the queues.
    /// </summary>
    public static IServiceCollection AddScenarioEngineFunctions(this IServiceCollection services)
    {
        services.AddSingleton<ApiEndpoints>();
        services.RemoveAll<EndpointDataSource>();
        services.AddSingleton(sp => sp.GetRequiredService<ApiEndpoints>().DataSource);
        services.AddSingleton<IValidateOptions<EngineOptions>, EventQueueFunctionsValidator>();
        return services;
    }
}
