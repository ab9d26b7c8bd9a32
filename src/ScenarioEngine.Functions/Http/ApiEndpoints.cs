using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using ScenarioEngine.Api;

namespace ScenarioEngine.Functions.Http;

/// <summary>
/// The API's endpoints as the standalone host maps them (<see cref="ScenarioEngineServices.MapScenarioEngineApi"/>), by name, and
/// the request pipeline both hosts run around them (<see cref="ScenarioEngineServices.UseScenarioEngineApi"/>). An HTTP function
/// hands its request to <see cref="InvokeAsync"/> with its own name, which is the endpoint's name.
/// </summary>
public sealed class ApiEndpoints
{
    private readonly Dictionary<string, (RouteEndpoint Endpoint, TemplateMatcher Matcher)> _byName = new(StringComparer.Ordinal);
    private readonly RequestDelegate _pipeline;

    /// <summary>Builds the endpoints once, with the application's root services.</summary>
    /// <exception cref="InvalidOperationException">An endpoint has no name, or two share one.</exception>
    public ApiEndpoints(IServiceProvider services)
    {
        var table = new EndpointTableBuilder(services);
        table.MapScenarioEngineApi();
        DataSource = new CompositeEndpointDataSource(table.DataSources);
        foreach (var endpoint in DataSource.Endpoints.OfType<RouteEndpoint>())
        {
            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
                ?? throw new InvalidOperationException($"The endpoint {endpoint.DisplayName} has no name (.WithName): the Functions app binds endpoints by name.");
            var matcher = new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), new RouteValueDictionary(endpoint.RoutePattern.Defaults));
            if (!_byName.TryAdd(name, (endpoint, matcher)))
            {
                throw new InvalidOperationException($"Two endpoints are named '{name}'.");
            }
        }

        var app = new ApplicationBuilder(services);
        app.UseScenarioEngineApi();
        app.Run(context => context.GetEndpoint()?.RequestDelegate?.Invoke(context) ?? Task.CompletedTask);
        _pipeline = app.Build();
    }

    /// <summary>The endpoints, as the application's <see cref="EndpointDataSource"/>: what the OpenAPI document describes.</summary>
    public EndpointDataSource DataSource { get; }

    /// <summary>Every endpoint, by name.</summary>
    public IReadOnlyDictionary<string, RouteEndpoint> All => _byName.ToDictionary(e => e.Key, e => e.Value.Endpoint, StringComparer.Ordinal);

    /// <summary>
    /// Runs the named endpoint for this request exactly as the standalone host would: route values from the endpoint's own pattern,
    /// the endpoint selected, then the shared middleware and the endpoint's request delegate, writing to the request's response.
    /// </summary>
    /// <returns>
    /// An empty result: the response is already written. Returned (rather than nothing) so the function has the usual HTTP output
    /// binding and the worker's ASP.NET Core integration completes the response as for any other result.
    /// </returns>
    /// <exception cref="InvalidOperationException">No endpoint has this name, or the request's path does not match its route.</exception>
    public async Task<IResult> InvokeAsync(string name, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_byName.TryGetValue(name, out var entry))
        {
            throw new InvalidOperationException($"No API endpoint is named '{name}'.");
        }

        var values = new RouteValueDictionary();
        if (!entry.Matcher.TryMatch(request.Path, values))
        {
            throw new InvalidOperationException($"The path {request.Path} does not match the route {entry.Endpoint.RoutePattern.RawText} of '{name}'.");
        }

        var context = request.HttpContext;
        context.Request.RouteValues = values;
        context.SetEndpoint(entry.Endpoint);
        await _pipeline(context).ConfigureAwait(false);
        return Results.Empty;
    }
}
