using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ScenarioEngine.Api.Audit;
using ScenarioEngine.Api.Catalog;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Journeys.Storage.Simulation;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>The publish preview: what publishing the draft would send in the next 24 hours, and whether publishing needs a confirmation.</summary>
public static class PublishPreviewApi
{
    /// <summary>The query parameter of POST /api/journeys/{id}/publish that confirms a forecast above Publishing:ConfirmAbove.</summary>
    public const string ConfirmParameter = "confirm";

    /// <summary>Maps POST /api/journeys/{journeyId}/publish-preview.</summary>
    public static IEndpointRouteBuilder MapPublishPreviewEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/journeys").WithTags("Journeys")
            .MapPost("/{journeyId}/publish-preview", PreviewAsync).WithName("PreviewJourneyPublish").RequireScope(ApiScope.Write).NotAChange()
            .WithSummary("How many customers publishing the draft would message in the next 24 hours (a simulation over current data; one scan of the customers table), by medium and step, and whether publishing needs ?confirm=.");
        return app;
    }

    /// <summary>Forecasts the draft.</summary>
    public static async Task<Results<Ok<PublishPreview>, ProblemHttpResult>> PreviewAsync(
        string journeyId, JourneyEngine engine, DefinitionStore definitions, PublishChecks checks, PublishForecaster forecaster, IOptions<PublishingOptions> publishing,
        TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var draft = await definitions.GetDraftAsync(journeyId, cancellationToken).ConfigureAwait(false);
        if (draft is null)
        {
            return Problems.NotFound($"Journey '{journeyId}' has no draft: PUT /api/journeys/{journeyId}/draft first.");
        }

        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        var (journey, errors) = JourneysApi.ValidateForPublish(draft.Json, journeyId, engine, checks);
        if (journey is null)
        {
            return Problems.Invalid("The draft cannot be published", errors, $"{errors.Count} problem(s); nothing was forecast.");
        }

        return TypedResults.Ok(await ForecastAsync(journey, engine, forecaster, publishing.Value, time, loggers, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Forecasts a validated journey as its next version.</summary>
    public static async Task<PublishPreview> ForecastAsync(Journey journey, JourneyEngine engine, PublishForecaster forecaster, PublishingOptions publishing, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var forecast = await forecaster.ForecastAsync(journey, engine.Catalog, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        Log.PublishForecast(loggers.CreateLogger(typeof(PublishPreviewApi)), forecast.JourneyId, forecast.Version, forecast.Customers, forecast.Messages);
        return PublishPreview.From(forecast, publishing);
    }

    /// <summary>
    /// Parses <c>?confirm=</c>: null when absent, else the number of customers confirmed, or an error naming the parameter.
    /// </summary>
    public static (int? Confirmed, ApiError? Error) ParseConfirm(string? confirm)
    {
        if (confirm is null)
        {
            return (null, null);
        }

        return int.TryParse(confirm, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? (n, null)
            : (null, new ApiError(ConfirmParameter, "expected the number of customers the publish preview reported (a whole number, 0 or more)"));
    }

    /// <summary>409: publishing needs a confirmation of at least the forecast's count; the preview rides along as "preview".</summary>
    public static ProblemHttpResult ConfirmationNeeded(PublishPreview preview, int? confirmed)
    {
        var detail = confirmed is null
            ? $"Publishing would message {preview.Customers} customer(s) in the next 24 hours (Publishing:ConfirmAbove is {preview.ConfirmAbove}): publish again with ?{ConfirmParameter}={preview.Customers} to go ahead."
            : $"The forecast is now {preview.Customers} customer(s), more than the {confirmed} confirmed: publish again with ?{ConfirmParameter}={preview.Customers} to go ahead.";
        var problem = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Publishing needs a confirmation", Detail = detail };
        problem.Extensions[ConfirmParameter] = preview.Customers;
        problem.Extensions["preview"] = preview;
        return TypedResults.Problem(problem);
    }
}
