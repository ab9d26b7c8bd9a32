using Microsoft.Azure.Functions.Worker;

namespace ScenarioEngine.Functions.Http;

/// <summary>
/// One HTTP trigger per API endpoint, each a thin binding: the function's name is the endpoint's name, its route the endpoint's
/// route under host.json's routePrefix "api", and <see cref="ApiEndpoints"/> runs the same request delegate and middleware the
/// standalone host runs. Anonymous at the Functions level: the API checks its own keys (X-Api-Key). A test holds this list equal
/// to the standalone host's endpoint table.
/// </summary>
public sealed class ApiFunctions(ApiEndpoints endpoints)
{
    /// <summary>GET /api/health.</summary>
    [Function(nameof(GetHealth))]
    public Task<IResult> GetHealth([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetHealth), request);

    /// <summary>GET /api/settings.</summary>
    [Function(nameof(GetSettings))]
    public Task<IResult> GetSettings([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "settings")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetSettings), request);

    /// <summary>GET /api/system/metrics.</summary>
    [Function(nameof(GetMetrics))]
    public Task<IResult> GetMetrics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "system/metrics")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetMetrics), request);

    /// <summary>POST /api/system/catalog/reload.</summary>
    [Function(nameof(ReloadCatalog))]
    public Task<IResult> ReloadCatalog([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "system/catalog/reload")] HttpRequest request) => endpoints.InvokeAsync(nameof(ReloadCatalog), request);

    /// <summary>POST /api/events.</summary>
    [Function(nameof(PostEvents))]
    public Task<IResult> PostEvents([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "events")] HttpRequest request) => endpoints.InvokeAsync(nameof(PostEvents), request);

    /// <summary>POST /api/customers/{customerId}/identify.</summary>
    [Function(nameof(IdentifyCustomer))]
    public Task<IResult> IdentifyCustomer([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "customers/{customerId}/identify")] HttpRequest request) => endpoints.InvokeAsync(nameof(IdentifyCustomer), request);

    /// <summary>GET /api/customers/{customerId}.</summary>
    [Function(nameof(GetCustomer))]
    public Task<IResult> GetCustomer([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetCustomer), request);

    /// <summary>GET /api/customers/{customerId}/timeline.</summary>
    [Function(nameof(GetCustomerTimeline))]
    public Task<IResult> GetCustomerTimeline([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}/timeline")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetCustomerTimeline), request);

    /// <summary>GET /api/customers/{customerId}/journeys/{journeyId}/why.</summary>
    [Function(nameof(GetCustomerWhy))]
    public Task<IResult> GetCustomerWhy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}/journeys/{journeyId}/why")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetCustomerWhy), request);

    /// <summary>DELETE /api/customers/{customerId}.</summary>
    [Function(nameof(EraseCustomer))]
    public Task<IResult> EraseCustomer([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "customers/{customerId}")] HttpRequest request) => endpoints.InvokeAsync(nameof(EraseCustomer), request);

    /// <summary>GET /api/journeys.</summary>
    [Function(nameof(ListJourneys))]
    public Task<IResult> ListJourneys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys")] HttpRequest request) => endpoints.InvokeAsync(nameof(ListJourneys), request);

    /// <summary>GET /api/journeys/{journeyId}.</summary>
    [Function(nameof(GetJourney))]
    public Task<IResult> GetJourney([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys/{journeyId}")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetJourney), request);

    /// <summary>PUT /api/journeys/{journeyId}/draft.</summary>
    [Function(nameof(PutJourneyDraft))]
    public Task<IResult> PutJourneyDraft([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "journeys/{journeyId}/draft")] HttpRequest request) => endpoints.InvokeAsync(nameof(PutJourneyDraft), request);

    /// <summary>POST /api/journeys/{journeyId}/publish.</summary>
    [Function(nameof(PublishJourney))]
    public Task<IResult> PublishJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/{journeyId}/publish")] HttpRequest request) => endpoints.InvokeAsync(nameof(PublishJourney), request);

    /// <summary>POST /api/journeys/{journeyId}/publish-preview.</summary>
    [Function(nameof(PreviewJourneyPublish))]
    public Task<IResult> PreviewJourneyPublish([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/{journeyId}/publish-preview")] HttpRequest request) => endpoints.InvokeAsync(nameof(PreviewJourneyPublish), request);

    /// <summary>POST /api/journeys/{journeyId}/pause.</summary>
    [Function(nameof(PauseJourney))]
    public Task<IResult> PauseJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/{journeyId}/pause")] HttpRequest request) => endpoints.InvokeAsync(nameof(PauseJourney), request);

    /// <summary>POST /api/journeys/{journeyId}/resume.</summary>
    [Function(nameof(ResumeJourney))]
    public Task<IResult> ResumeJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/{journeyId}/resume")] HttpRequest request) => endpoints.InvokeAsync(nameof(ResumeJourney), request);

    /// <summary>POST /api/journeys/{journeyId}/archive.</summary>
    [Function(nameof(ArchiveJourney))]
    public Task<IResult> ArchiveJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/{journeyId}/archive")] HttpRequest request) => endpoints.InvokeAsync(nameof(ArchiveJourney), request);

    /// <summary>POST /api/journeys/validate.</summary>
    [Function(nameof(ValidateJourney))]
    public Task<IResult> ValidateJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/validate")] HttpRequest request) => endpoints.InvokeAsync(nameof(ValidateJourney), request);

    /// <summary>POST /api/journeys/{journeyId}/simulate.</summary>
    [Function(nameof(SimulateJourney))]
    public Task<IResult> SimulateJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys/{journeyId}/simulate")] HttpRequest request) => endpoints.InvokeAsync(nameof(SimulateJourney), request);

    /// <summary>GET /api/journeys/{journeyId}/stats.</summary>
    [Function(nameof(GetJourneyStats))]
    public Task<IResult> GetJourneyStats([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys/{journeyId}/stats")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetJourneyStats), request);

    /// <summary>GET /api/journeys/{journeyId}/counts.</summary>
    [Function(nameof(GetJourneyCounts))]
    public Task<IResult> GetJourneyCounts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys/{journeyId}/counts")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetJourneyCounts), request);

    /// <summary>GET /api/journeys/{journeyId}/steps/{stepId}/customers.</summary>
    [Function(nameof(ListStepCustomers))]
    public Task<IResult> ListStepCustomers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys/{journeyId}/steps/{stepId}/customers")] HttpRequest request) => endpoints.InvokeAsync(nameof(ListStepCustomers), request);

    /// <summary>GET /api/messages.</summary>
    [Function(nameof(ListMessages))]
    public Task<IResult> ListMessages([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "messages")] HttpRequest request) => endpoints.InvokeAsync(nameof(ListMessages), request);

    /// <summary>GET /api/messages/{messageId}.</summary>
    [Function(nameof(GetMessage))]
    public Task<IResult> GetMessage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "messages/{messageId}")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetMessage), request);

    /// <summary>PUT /api/messages/{messageId}.</summary>
    [Function(nameof(PutMessage))]
    public Task<IResult> PutMessage([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "messages/{messageId}")] HttpRequest request) => endpoints.InvokeAsync(nameof(PutMessage), request);

    /// <summary>POST /api/messages/{messageId}/preview.</summary>
    [Function(nameof(PreviewMessage))]
    public Task<IResult> PreviewMessage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "messages/{messageId}/preview")] HttpRequest request) => endpoints.InvokeAsync(nameof(PreviewMessage), request);

    /// <summary>GET /api/segments.</summary>
    [Function(nameof(ListSegments))]
    public Task<IResult> ListSegments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments")] HttpRequest request) => endpoints.InvokeAsync(nameof(ListSegments), request);

    /// <summary>GET /api/segments/{segmentId}.</summary>
    [Function(nameof(GetSegment))]
    public Task<IResult> GetSegment([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments/{segmentId}")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetSegment), request);

    /// <summary>PUT /api/segments/{segmentId}.</summary>
    [Function(nameof(PutSegment))]
    public Task<IResult> PutSegment([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "segments/{segmentId}")] HttpRequest request) => endpoints.InvokeAsync(nameof(PutSegment), request);

    /// <summary>DELETE /api/segments/{segmentId}.</summary>
    [Function(nameof(DeleteSegment))]
    public Task<IResult> DeleteSegment([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "segments/{segmentId}")] HttpRequest request) => endpoints.InvokeAsync(nameof(DeleteSegment), request);

    /// <summary>GET /api/segments/{segmentId}/export.csv.</summary>
    [Function(nameof(ExportSegment))]
    public Task<IResult> ExportSegment([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments/{segmentId}/export.csv")] HttpRequest request) => endpoints.InvokeAsync(nameof(ExportSegment), request);

    /// <summary>GET /api/reports/rfm.</summary>
    [Function(nameof(GetRfmReport))]
    public Task<IResult> GetRfmReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/rfm")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetRfmReport), request);

    /// <summary>GET /api/reports/deciles.</summary>
    [Function(nameof(GetDecilesReport))]
    public Task<IResult> GetDecilesReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/deciles")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetDecilesReport), request);

    /// <summary>GET /api/reports/nps.</summary>
    [Function(nameof(GetNpsReport))]
    public Task<IResult> GetNpsReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/nps")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetNpsReport), request);

    /// <summary>GET /api/reports/clv.</summary>
    [Function(nameof(GetClvReport))]
    public Task<IResult> GetClvReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/clv")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetClvReport), request);

    /// <summary>GET /api/reports/ranking.</summary>
    [Function(nameof(GetRankingReport))]
    public Task<IResult> GetRankingReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/ranking")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetRankingReport), request);

    /// <summary>POST /api/system/analytics/recompute.</summary>
    [Function(nameof(RecomputeAnalytics))]
    public Task<IResult> RecomputeAnalytics([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "system/analytics/recompute")] HttpRequest request) => endpoints.InvokeAsync(nameof(RecomputeAnalytics), request);

    /// <summary>POST /api/webhooks/sendgrid.</summary>
    [Function(nameof(SendGridWebhook))]
    public Task<IResult> SendGridWebhook([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/sendgrid")] HttpRequest request) => endpoints.InvokeAsync(nameof(SendGridWebhook), request);

    /// <summary>GET /api/postcards/batches/{date}.csv.</summary>
    [Function(nameof(GetPostcardBatch))]
    public Task<IResult> GetPostcardBatch([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "postcards/batches/{date}.csv")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetPostcardBatch), request);

    /// <summary>GET /api/openapi/{documentName}.json.</summary>
    [Function(nameof(GetOpenApiDocument))]
    public Task<IResult> GetOpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/{documentName}.json")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetOpenApiDocument), request);

    /// <summary>GET /api/audit.</summary>
    [Function(nameof(GetAuditLog))]
    public Task<IResult> GetAuditLog([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit")] HttpRequest request) => endpoints.InvokeAsync(nameof(GetAuditLog), request);
}
