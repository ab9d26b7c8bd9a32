using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ScenarioEngine.Core.Language;

namespace ScenarioEngine.Api.Endpoints;

/// <summary>One problem in a request, as the API reports it: where (a JSON path) and what was expected.</summary>
/// <param name="Path">The JSON path, e.g. $[3].customerId.</param>
/// <param name="Message">What is wrong and what was expected.</param>
/// <param name="Index">For a batch, the index of the item.</param>
/// <param name="Field">For a batch item, the field (the path below the item).</param>
public sealed record ApiError(string Path, string Message, int? Index = null, string? Field = null);

/// <summary>Problem details responses (RFC 9457), built the same way for every error the API returns.</summary>
public static class Problems
{
    /// <summary>A problem with a status, a title and a detail.</summary>
    public static ProblemHttpResult Status(int status, string title, string detail, IReadOnlyList<ApiError>? errors = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>400 with every validation error.</summary>
    public static ProblemHttpResult Invalid(string title, IReadOnlyList<ApiError> errors, string? detail = null) =>
        Status(StatusCodes.Status400BadRequest, title, detail ?? $"{errors.Count} problem(s); nothing was saved.", errors);

    /// <summary>400 with the parser's errors.</summary>
    public static ProblemHttpResult Invalid(string title, IEnumerable<ValidationError> errors, string? detail = null) =>
        Invalid(title, errors.Select(e => new ApiError(e.Path, e.Message)).ToList(), detail);

    /// <summary>404.</summary>
    public static ProblemHttpResult NotFound(string what) => Status(StatusCodes.Status404NotFound, "Not found", what);

    /// <summary>409.</summary>
    public static ProblemHttpResult Conflict(string detail) => Status(StatusCodes.Status409Conflict, "Conflict", detail);

    /// <summary>Describes a JSON parse failure without the exception's internal wording about .NET types.</summary>
    public static string Describe(JsonException ex) =>
        ex.LineNumber is { } line ? $"not valid JSON at line {line + 1}, byte {ex.BytePositionInLine + 1}: {FirstSentence(ex.Message)}" : "not valid JSON: " + FirstSentence(ex.Message);

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
