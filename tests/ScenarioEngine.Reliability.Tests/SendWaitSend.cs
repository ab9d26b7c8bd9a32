using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ScenarioEngine.Host.Tests;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Reliability.Tests;

/// <summary>
/// The journey every reliability test runs (a send, a short wait, a send, per purchase) and how its outcome is read back: the
/// customers' time lines through the API, whose <c>message</c> rows are written in the same transaction as the send claim's outcome.
/// </summary>
public static class SendWaitSend
{
    /// <summary>The journey id.</summary>
    public const string JourneyId = "rel-send-wait-send";

    /// <summary>The steps that send, in order.</summary>
    public static IReadOnlyList<string> SendSteps => SendWaitSendJourney.SendSteps;

    /// <summary>The journey with a wait of <paramref name="wait"/> (an ISO 8601 duration) between the sends.</summary>
    public static string Journey(string wait) => SendWaitSendJourney.Json(JourneyId, "rel-first", "rel-second", wait);

    /// <summary>The two messages.</summary>
    public static readonly string[] Messages =
    [
        """{ "id": "rel-first", "email": { "subject": "Thanks {{profile.firstName}}", "text": "Order {{trigger.orderId}}" } }""",
        """{ "id": "rel-second", "email": { "subject": "How is it going?", "text": "Tell us about {{trigger.orderId}}" } }""",
    ];

    /// <summary>An identify and a purchase per customer, as JSON arrays of at most <paramref name="perBatch"/> events.</summary>
    public static IReadOnlyList<string> EventBatches(IReadOnlyList<string> customers, int perBatch = 100)
    {
        var events = customers.SelectMany(c => new[] { TestDocuments.Identify(c, "i-" + c), TestDocuments.Purchase(c, "p-" + c, "o-" + c) }).ToList();
        return events.Chunk(perBatch).Select(chunk => "[" + string.Join(",", chunk) + "]").ToList();
    }

    /// <summary>Customer ids <c>{prefix}0001</c> and on.</summary>
    public static IReadOnlyList<string> Customers(string prefix, int count) =>
        Enumerable.Range(1, count).Select(i => prefix + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>PUTs the messages and the journey and publishes it, through <paramref name="admin"/>.</summary>
    public static async Task PublishAsync(HttpClient admin, string wait)
    {
        foreach (var message in Messages)
        {
            var id = JsonNode.Parse(message)!["id"]!.GetValue<string>();
            await EnsureSuccessAsync(await admin.PutAsync($"/api/messages/{id}", TestHost.Json(message)));
        }

        await EnsureSuccessAsync(await admin.PutAsync($"/api/journeys/{JourneyId}/draft", TestHost.Json(Journey(wait))));
        await EnsureSuccessAsync(await admin.PostAsync($"/api/journeys/{JourneyId}/publish", null));
    }

    /// <summary>Posts one batch of events; a host that is down or failing is retried, as a shop's client would.</summary>
    public static async Task PostAsync(HttpClient events, string batch, TimeSpan patience)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            string why;
            try
            {
                var response = await events.PostAsync("/api/events", TestHost.Json(batch));
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    return;
                }

                why = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException ex)
            {
                why = ex.Message;
            }

            Assert.True(watch.Elapsed < patience, $"POST /api/events not accepted within {patience.TotalSeconds} s: {why}");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Every <c>message</c> row of the customer's time line: (step, outcome, idempotency key). Null when the customer does not exist yet.
    /// </summary>
    public static async Task<IReadOnlyList<(string Step, string Outcome, string Key)>?> MessagesAsync(HttpClient admin, string customer)
    {
        var view = await GetAsync(admin, $"/api/customers/{customer}/timeline?max=1000");
        return view?["entries"]!.AsArray()
            .Where(e => e!["kind"]!.GetValue<string>() == "message" && e["journeyId"]?.GetValue<string>() == JourneyId)
            .Select(e => (e!["stepId"]!.GetValue<string>(), e["data"]!["outcome"]!.GetValue<string>(), e["data"]!["key"]!.GetValue<string>()))
            .ToList();
    }

    /// <summary>
    /// GETs a JSON document, null for 404. A 5xx (a read that met an injected storage fault) is tried again, as a client would;
    /// anything else fails the test.
    /// </summary>
    public static async Task<JsonNode?> GetAsync(HttpClient client, string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await client.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if ((int)response.StatusCode >= 500 && attempt < 10)
            {
                await Task.Delay(200);
                continue;
            }

            await EnsureSuccessAsync(response);
            return await TestHost.ReadAsync(response);
        }
    }

    /// <summary>Whether the customer has exactly one sent message per send step and no other sent message: the journey's guarantee.</summary>
    public static bool ExactlyOnce(IReadOnlyList<(string Step, string Outcome, string Key)>? messages) =>
        messages is not null && messages.Count(m => m.Outcome == "sent") == SendSteps.Count && SendSteps.All(s => messages.Count(m => m.Step == s && m.Outcome == "sent") == 1);

    /// <summary>
    /// Polls the time lines of the customers not yet complete (exactly one sent message per step) until all are, or fails after
    /// <paramref name="patience"/> naming what the incomplete ones have. Then waits <paramref name="settle"/> and reads every customer
    /// again, so a late duplicate is seen. Returns the messages of every customer.
    /// </summary>
    public static async Task<Dictionary<string, IReadOnlyList<(string Step, string Outcome, string Key)>?>> WaitForAllAsync(
        HttpClient admin, IReadOnlyList<string> customers, TimeSpan patience, TimeSpan settle, Func<string>? diagnostics = null)
    {
        var watch = Stopwatch.StartNew();
        var pending = new HashSet<string>(customers, StringComparer.Ordinal);
        var last = new Dictionary<string, IReadOnlyList<(string Step, string Outcome, string Key)>?>(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            await ReadAllAsync(admin, [.. pending], last);
            pending.RemoveWhere(c => ExactlyOnce(last[c]));
            if (pending.Count == 0)
            {
                break;
            }

            if (watch.Elapsed > patience)
            {
                Assert.Fail($"{pending.Count} of {customers.Count} customers incomplete after {patience.TotalSeconds} s, e.g. " +
                    string.Join("; ", pending.Take(5).Select(c => c + ": " + Describe(last[c]))) + (diagnostics is null ? "" : "\n" + diagnostics()));
            }

            await Task.Delay(1000);
        }

        await Task.Delay(settle);
        await ReadAllAsync(admin, customers, last);
        return last;
    }

    /// <summary>Asserts that every customer got exactly one message per send step (none doubled, none missing); returns the sent count.</summary>
    public static int AssertExactlyOnce(IReadOnlyList<string> customers, Dictionary<string, IReadOnlyList<(string Step, string Outcome, string Key)>?> messages)
    {
        var sent = messages.Values.SelectMany(m => m ?? []).Where(m => m.Outcome == "sent").ToList();
        Assert.All(customers, c => Assert.True(ExactlyOnce(messages[c]), $"{c}: {Describe(messages[c])}"));
        Assert.Equal(SendSteps.Count * customers.Count, sent.Count);
        Assert.Equal(sent.Count, sent.Select(m => m.Key).Distinct(StringComparer.Ordinal).Count());
        return sent.Count;
    }

    /// <summary>One line per customer's messages, for failure messages.</summary>
    public static string Describe(IReadOnlyList<(string Step, string Outcome, string Key)>? messages) =>
        messages is null ? "no customer" : messages.Count == 0 ? "no messages" : string.Join(", ", messages.Select(m => $"{m.Step} {m.Outcome}"));

    private static async Task ReadAllAsync(HttpClient admin, IReadOnlyList<string> customers, Dictionary<string, IReadOnlyList<(string Step, string Outcome, string Key)>?> into)
    {
        var results = new (string Customer, IReadOnlyList<(string Step, string Outcome, string Key)>? Messages)[customers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, customers.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            results[i] = (customers[i], await MessagesAsync(admin, customers[i])));
        foreach (var (customer, messages) in results)
        {
            into[customer] = messages;
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
