using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ScenarioEngine.Functions.Journeys;

namespace ScenarioEngine.Functions.Http;

/// <summary>
/// One HTTP trigger per API endpoint, each a thin binding: the function's name is the endpoint's name, its route the endpoint's
/// route under host.json's routePrefix "api", and <see cref="ApiEndpoints"/> runs the same request delegate and middleware the
/// standalone host runs. Anonymous at the Functions level: the API checks its own keys (X-Api-Key). A test holds this list equal
/// to the standalone host's endpoint table. Each binds the Durable Task client and hands it to <see cref="FunctionsJourneyInstances"/>,
/// so an endpoint can start, signal or stop journey instances.
/// </summary>
public sealed class ApiFunctions(ApiEndpoints endpoints, FunctionsJourneyInstances instances)
{
    /// <summary>GET /api/health.</summary>
    [Function(nameof(GetHealth))]
    public Task<IResult> GetHealth([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetHealth), request, client);

    /// <summary>GET /api/settings.</summary>
    [Function(nameof(GetSettings))]
    public Task<IResult> GetSettings([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "settings")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetSettings), request, client);

    /// <summary>GET /api/system/metrics.</summary>
    [Function(nameof(GetMetrics))]
    public Task<IResult> GetMetrics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "system/metrics")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetMetrics), request, client);

    /// <summary>POST /api/system/catalog/reload.</summary>
    [Function(nameof(ReloadCatalog))]
    public Task<IResult> ReloadCatalog([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "system/catalog/reload")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(ReloadCatalog), request, client);

    /// <summary>POST /api/events.</summary>
    [Function(nameof(PostEvents))]
    public Task<IResult> PostEvents([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "events")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(PostEvents), request, client);

    /// <summary>POST /api/customers/{customerId}/identify.</summary>
    [Function(nameof(IdentifyCustomer))]
    public Task<IResult> IdentifyCustomer([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "customers/{customerId}/identify")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(IdentifyCustomer), request, client);

    /// <summary>GET /api/customers/{customerId}.</summary>
    [Function(nameof(GetCustomer))]
    public Task<IResult> GetCustomer([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetCustomer), request, client);

    /// <summary>GET /api/customers/{customerId}/timeline.</summary>
    [Function(nameof(GetCustomerTimeline))]
    public Task<IResult> GetCustomerTimeline([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}/timeline")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetCustomerTimeline), request, client);

    /// <summary>GET /api/customers/{customerId}/journeys/{journeyId}/why.</summary>
    [Function(nameof(GetCustomerWhy))]
    public Task<IResult> GetCustomerWhy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}/journeys/{journeyId}/why")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetCustomerWhy), request, client);

    /// <summary>DELETE /api/customers/{customerId}.</summary>
    [Function(nameof(EraseCustomer))]
    public Task<IResult> EraseCustomer([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "customers/{customerId}")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(EraseCustomer), request, client);

    /// <summary>GET /api/journeys.</summary>
    [Function(nameof(ListJourneys))]
    public Task<IResult> ListJourneys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(ListJourneys), request, client);

    /// <summary>GET /api/journeys/{journeyId}.</summary>
    [Function(nameof(GetJourney))]
    public Task<IResult> GetJourney([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys/{journeyId}")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetJourney), request, client);

    /// <summary>PUT /api/journeys/{journeyId}/draft.</summary>
    [Function(nameof(PutJourneyDraft))]
    public Task<IResult> PutJourneyDraft([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "journeys/{journeyId}/draft")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(PutJourneyDraft), request, client);

    /// <summary>POST /api/journeys/{journeyId}/publish.</summary>
    [Function(nameof(PublishJourney))]
    public Task<IResult> PublishJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/{journeyId}/publish")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(PublishJourney), request, client);

    /// <summary>POST /api/journeys/{journeyId}/publish-preview.</summary>
    [Function(nameof(PreviewJourneyPublish))]
    public Task<IResult> PreviewJourneyPublish([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/{journeyId}/publish-preview")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(PreviewJourneyPublish), request, client);

    /// <summary>POST /api/journeys/{journeyId}/pause.</summary>
    [Function(nameof(PauseJourney))]
    public Task<IResult> PauseJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/{journeyId}/pause")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(PauseJourney), request, client);

    /// <summary>POST /api/journeys/{journeyId}/resume.</summary>
    [Function(nameof(ResumeJourney))]
    public Task<IResult> ResumeJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/{journeyId}/resume")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(ResumeJourney), request, client);

    /// <summary>POST /api/journeys/{journeyId}/archive.</summary>
    [Function(nameof(ArchiveJourney))]
    public Task<IResult> ArchiveJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/{journeyId}/archive")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(ArchiveJourney), request, client);

    /// <summary>POST /api/journeys/validate.</summary>
    [Function(nameof(ValidateJourney))]
    public Task<IResult> ValidateJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/validate")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(ValidateJourney), request, client);

    /// <summary>POST /api/journeys/{journeyId}/simulate.</summary>
    [Function(nameof(SimulateJourney))]
    public Task<IResult> SimulateJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/{journeyId}/simulate")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(SimulateJourney), request, client);

    /// <summary>GET /api/journeys/{journeyId}/stats.</summary>
    [Function(nameof(GetJourneyStats))]
    public Task<IResult> GetJourneyStats([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys/{journeyId}/stats")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetJourneyStats), request, client);

    /// <summary>GET /api/journeys/{journeyId}/counts.</summary>
    [Function(nameof(GetJourneyCounts))]
    public Task<IResult> GetJourneyCounts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys/{journeyId}/counts")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetJourneyCounts), request, client);

    /// <summary>GET /api/journeys/{journeyId}/steps/{stepId}/customers.</summary>
    [Function(nameof(ListStepCustomers))]
    public Task<IResult> ListStepCustomers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys/{journeyId}/steps/{stepId}/customers")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(ListStepCustomers), request, client);

    /// <summary>GET /api/messages.</summary>
    [Function(nameof(ListMessages))]
    public Task<IResult> ListMessages([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "messages")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(ListMessages), request, client);

    /// <summary>GET /api/messages/{messageId}.</summary>
    [Function(nameof(GetMessage))]
    public Task<IResult> GetMessage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "messages/{messageId}")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetMessage), request, client);

    /// <summary>PUT /api/messages/{messageId}.</summary>
    [Function(nameof(PutMessage))]
    public Task<IResult> PutMessage([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "messages/{messageId}")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(PutMessage), request, client);

    /// <summary>POST /api/messages/{messageId}/preview.</summary>
    [Function(nameof(PreviewMessage))]
    public Task<IResult> PreviewMessage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "messages/{messageId}/preview")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(PreviewMessage), request, client);

    /// <summary>GET /api/segments.</summary>
    [Function(nameof(ListSegments))]
    public Task<IResult> ListSegments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(ListSegments), request, client);

    /// <summary>GET /api/segments/{segmentId}.</summary>
    [Function(nameof(GetSegment))]
    public Task<IResult> GetSegment([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments/{segmentId}")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetSegment), request, client);

    /// <summary>PUT /api/segments/{segmentId}.</summary>
    [Function(nameof(PutSegment))]
    public Task<IResult> PutSegment([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "segments/{segmentId}")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(PutSegment), request, client);

    /// <summary>DELETE /api/segments/{segmentId}.</summary>
    [Function(nameof(DeleteSegment))]
    public Task<IResult> DeleteSegment([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "segments/{segmentId}")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(DeleteSegment), request, client);

    /// <summary>GET /api/segments/{segmentId}/export.csv.</summary>
    [Function(nameof(ExportSegment))]
    public Task<IResult> ExportSegment([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments/{segmentId}/export.csv")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(ExportSegment), request, client);

    /// <summary>GET /api/reports/rfm.</summary>
    [Function(nameof(GetRfmReport))]
    public Task<IResult> GetRfmReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/rfm")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetRfmReport), request, client);

    /// <summary>GET /api/reports/deciles.</summary>
    [Function(nameof(GetDecilesReport))]
    public Task<IResult> GetDecilesReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/deciles")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetDecilesReport), request, client);

    /// <summary>GET /api/reports/nps.</summary>
    [Function(nameof(GetNpsReport))]
    public Task<IResult> GetNpsReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/nps")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetNpsReport), request, client);

    /// <summary>GET /api/reports/clv.</summary>
    [Function(nameof(GetClvReport))]
    public Task<IResult> GetClvReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/clv")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetClvReport), request, client);

    /// <summary>GET /api/reports/ranking.</summary>
    [Function(nameof(GetRankingReport))]
    public Task<IResult> GetRankingReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/ranking")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetRankingReport), request, client);

    /// <summary>POST /api/system/analytics/recompute.</summary>
    [Function(nameof(RecomputeAnalytics))]
    public Task<IResult> RecomputeAnalytics([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "system/analytics/recompute")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(RecomputeAnalytics), request, client);

    /// <summary>POST /api/webhooks/sendgrid.</summary>
    [Function(nameof(SendGridWebhook))]
    public Task<IResult> SendGridWebhook([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/sendgrid")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(SendGridWebhook), request, client);

    /// <summary>GET /api/postcards/batches/{date}.csv.</summary>
    [Function(nameof(GetPostcardBatch))]
    public Task<IResult> GetPostcardBatch([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "postcards/batches/{date}.csv")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetPostcardBatch), request, client);

    /// <summary>GET /api/openapi/{documentName}.json.</summary>
    [Function(nameof(GetOpenApiDocument))]
    public Task<IResult> GetOpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/{documentName}.json")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetOpenApiDocument), request, client);

    /// <summary>GET /api/audit.</summary>
    [Function(nameof(GetAuditLog))]
    public Task<IResult> GetAuditLog([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit")] HttpRequest request, [DurableClient] DurableTaskClient client) => InvokeAsync(nameof(GetAuditLog), request, client);

    private Task<IResult> InvokeAsync(string name, HttpRequest request, DurableTaskClient client)
    {
        instances.Use(client);
        return endpoints.InvokeAsync(name, request);
    }
}
