using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace ScenarioEngine.Functions.Http;

/// <summary>
/// An endpoint route builder outside any web application: MapScenarioEngineApi maps into it exactly as into the standalone host,
/// so the endpoints built here carry the same handlers, parameter binding, filters and metadata.
/// </summary>
internal sealed class EndpointTableBuilder(IServiceProvider services) : IEndpointRouteBuilder
{
    /// <inheritdoc />
    public IServiceProvider ServiceProvider => services;

    /// <inheritdoc />
    public ICollection<EndpointDataSource> DataSources { get; } = new List<EndpointDataSource>();

    /// <inheritdoc />
    public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(services);
}
