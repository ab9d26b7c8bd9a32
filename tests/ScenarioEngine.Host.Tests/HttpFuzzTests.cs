using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScenarioEngine.Testing.Fuzz;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>
/// The write endpoints through the real HTTP pipeline under hostile bodies (<see cref="JsonFuzz"/>, fixed seed): never a 500,
/// always an answer the client can act on; every refusal is a problem details document, and a 400 names a path for each error.
/// </summary>
public sealed class HttpFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Cases = 250;

    private static readonly string[] EventKeys = ["customerId", "occurredAt", "properties", "amount", "orderId", "consent", "email", "timeZone", "cart"];

    private static readonly string[] DocumentKeys =
    [
        "trigger", "event", "where", "segment", "start", "steps", "medium", "message", "next", "for", "timeout", "onEvent", "onTimeout",
        "cases", "when", "otherwise", "variants", "weight", "attr", "eq", "gte", "in", "contains", "all", "any", "not", "count",
        "email", "subject", "html", "text", "line", "webhook", "payload", "postcard", "fields", "description",
    ];

    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(output, TestHost.Memory());
        foreach (var message in JsonFuzz.Samples("messages"))
        {
            var id = JsonNode.Parse(message)!["id"]!.GetValue<string>();
            Assert.True((await _host.Admin.PutAsync($"/api/messages/{id}", TestHost.Json(message))).IsSuccessStatusCode);
        }
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PostEvents_HostileBodies_NeverFailAndExplainEveryRefusal()
    {
        var bodies = JsonFuzz.Cases(JsonFuzz.Bodies(JsonFuzz.Samples("events"), EventKeys), Cases);

        await AssertAllAsync(bodies, body => _host.Events.PostAsync("/api/events", Content(body)), HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Identify_HostileBodies_NeverFailAndExplainEveryRefusal()
    {
        var bodies = JsonFuzz.Cases(JsonFuzz.Bodies(JsonFuzz.Samples("events"), EventKeys), Cases);

        await AssertAllAsync(bodies, body => _host.Events.PostAsync("/api/customers/c-fuzz/identify", Content(body)), HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task PutMessage_HostileBodies_NeverFailAndExplainEveryRefusal()
    {
        var bodies = JsonFuzz.Cases(JsonFuzz.Bodies(JsonFuzz.Samples("messages"), DocumentKeys), Cases);

        await AssertAllAsync(bodies, body => _host.Admin.PutAsync($"/api/messages/{RouteId(body)}", Content(body)), HttpStatusCode.OK);
    }

    [Fact]
    public async Task PutSegment_HostileBodies_NeverFailAndExplainEveryRefusal()
    {
        var bodies = JsonFuzz.Cases(JsonFuzz.Bodies(JsonFuzz.Samples("segments"), DocumentKeys), Cases);

        await AssertAllAsync(bodies, body => _host.Admin.PutAsync($"/api/segments/{RouteId(body)}", Content(body)), HttpStatusCode.OK);
    }

    [Fact]
    public async Task PutJourneyDraft_HostileBodies_NeverFailAndExplainEveryRefusal()
    {
        var bodies = JsonFuzz.Cases(JsonFuzz.Bodies(JsonFuzz.Samples("journeys"), DocumentKeys), Cases);

        await AssertAllAsync(bodies, body => _host.Admin.PutAsync($"/api/journeys/{RouteId(body)}/draft", Content(body)), HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/api/events", "{\"type\":\"a\\uD800\",\"customerId\":\"c1\"}", "$.type")]
    [InlineData("/api/messages/m", "{\"id\":\"m\",\"line\":{\"text\":\"\\uDC00\"}}", "$.line.text")]
    public async Task Write_LoneSurrogateEscape_Returns400AtItsPath(string path, string body, string errorPath)
    {
        var client = path.StartsWith("/api/events", StringComparison.Ordinal) ? _host.Events : _host.Admin;

        var response = path.StartsWith("/api/events", StringComparison.Ordinal) ? await client.PostAsync(path, TestHost.Json(body)) : await client.PutAsync(path, TestHost.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(errorPath, (await TestHost.ReadAsync(response))["errors"]![0]!["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutMessage_InvalidUtf8_Returns400InsteadOfReplacingTheBytes()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"id\":\"m\",\"line\":{\"text\":\"a"), 0xFF, .. Encoding.UTF8.GetBytes("\"}}")];

        var response = await _host.Admin.PutAsync("/api/messages/m", Content(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await TestHost.ReadAsync(response))["errors"]![0]!;
        Assert.Equal("$", error["path"]!.GetValue<string>());
        Assert.Contains("not valid UTF-8 at byte 28", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.GetAsync("/api/messages/m")).StatusCode);
    }

    private static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>The document's own id when it can be a route segment, so valid documents get past the id check.</summary>
    private static string RouteId(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String &&
                id.GetString() is { Length: > 0 and <= 100 } text && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return text;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or not readable text: any id will do.
        }

        return "fuzz";
    }

    /// <summary>Sends every body and checks the answer; reports each failing case by its number (replayable from the fixed seed).</summary>
    private async Task AssertAllAsync(byte[][] bodies, Func<byte[], Task<HttpResponseMessage>> send, HttpStatusCode success)
    {
        var failures = new StringBuilder();
        var failed = 0;
        var refused = 0;
        for (var i = 0; i < bodies.Length; i++)
        {
            using var response = await send(bodies[i]);
            var text = await response.Content.ReadAsStringAsync();
            var problem = Check(response, text, success);
            refused += response.StatusCode == success ? 0 : 1;
            if (problem is not null && ++failed <= 5)
            {
                failures.AppendLine($"case {i}: {(int)response.StatusCode} {problem}\n  body: {JsonFuzz.Describe(Encoding.UTF8.GetString(bodies[i]))}\n  answer: {JsonFuzz.Describe(text)}");
            }
        }

        output.WriteLine($"{bodies.Length} cases, {refused} refused, seed {JsonFuzz.Seed}");
        Assert.True(failed == 0, $"{failed} of {bodies.Length} cases failed (seed {JsonFuzz.Seed}):\n{failures}");
    }

    private static string? Check(HttpResponseMessage response, string text, HttpStatusCode success)
    {
        var status = response.StatusCode;
        if (status == success)
        {
            return null;
        }

        if (status is not (HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType))
        {
            return "unexpected status";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return "not a problem details document";
        }

        var problem = JsonNode.Parse(text)!;
        if (status != HttpStatusCode.BadRequest)
        {
            return problem["detail"] is null ? "no detail" : null;
        }

        var errors = problem["errors"]?.AsArray();
        if (errors is null || errors.Count == 0)
        {
            return "a 400 without errors";
        }

        return errors.Any(e => e!["path"]?.GetValue<string>() is not { Length: > 0 } path || !(path.StartsWith('$') || path is "messageId" or "segmentId" or "journeyId" or "customerId"))
            ? "an error without a path"
            : null;
    }
}
