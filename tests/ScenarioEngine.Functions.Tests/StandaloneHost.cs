using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using ScenarioEngine.Api.Jobs;
using ScenarioEngine.Host.Hosting;

namespace ScenarioEngine.Functions.Tests;

/// <summary>The standalone host, built as it runs (not started): its endpoint table and its jobs.</summary>
internal static class StandaloneHost
{
    public static Dictionary<string, string?> Settings() => new()
    {
        ["AzureWebJobsStorage"] = "memory",
        ["ApiKeys:Events"] = FunctionsApp.EventsKey,
        ["ApiKeys:Admin"] = FunctionsApp.AdminKey,
    };

    /// <summary>Every endpoint the standalone host serves.</summary>
    public static async Task<IReadOnlyList<RouteEndpoint>> EndpointsAsync()
    {
        await using var app = ScenarioEngineApp.Build(ScenarioEngineApp.CreateBuilder([], Settings()));
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().ToList();
    }

    /// <summary>The jobs the standalone host's workers run, with their intervals.</summary>
    public static async Task<IReadOnlyCollection<string>> JobsAsync()
    {
        await using var app = ScenarioEngineApp.Build(ScenarioEngineApp.CreateBuilder([], Settings()));
        return app.Services.GetRequiredService<ScheduledJobs>().Intervals.Keys.ToList();
    }
}
