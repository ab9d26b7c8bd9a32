using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using ScenarioEngine.Api;
using ScenarioEngine.Channels;
using ScenarioEngine.Testing;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>
/// No secret reaches a log: a scenario through the host on Azurite (events, a send through every channel to fake providers on
/// loopback, a provider refusing the LINE token, the outgoing webhook, refused API keys, an unsigned SendGrid webhook) with every
/// log line of every category at every level captured, then searched for every configured key and token.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SecretsInLogsTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string SendGridKey = "SG.fake-sendgrid-key.0123456789abcdef";
    private const string LineToken = "fake-line-channel-token-0123456789abcdef";
    private const string WebhookSecret = "fake-webhook-secret-0123456789abcdef";
    private const string WrongKey = "presented-but-unknown-key-0123456789";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private const string Journey = """
    { "id": "every-channel", "name": "Every channel", "trigger": { "event": "purchase" }, "start": "mail",
      "steps": {
        "mail": { "type": "send", "medium": "email", "message": "every-channel", "next": "line" },
        "line": { "type": "send", "medium": "line", "message": "every-channel", "next": "hook" },
        "hook": { "type": "send", "medium": "webhook", "message": "every-channel", "next": "card" },
        "card": { "type": "send", "medium": "postcard", "message": "every-channel", "next": "done" },
        "done": { "type": "exit" } } }
    """;

    private const string Message = """
    { "id": "every-channel",
      "email": { "subject": "Thanks {{profile.firstName}}", "text": "Order {{trigger.orderId}}", "from": "shop@example.com" },
      "line": { "text": "Thanks {{profile.firstName}}" },
      "webhook": { "payload": { "order": "{{trigger.orderId}}" } },
      "postcard": { "fields": { "greeting": "Dear {{profile.firstName}}" } } }
    """;

    [Fact]
    public async Task Scenario_EveryChannelAndRefusedKeys_NoConfiguredSecretInAnyLogLine()
    {
        await using var provider = await FakeProvider.StartAsync();
        // LINE refuses the push (a refusal is logged with the provider's text); not with a 401, which holds the send until the credentials
        // work (the circuit breaker counts it), so the journey would not reach the next channels within the test.
        provider.Reply = r => r.Path.Contains("bot/message/push", StringComparison.Ordinal)
            ? (400, """{"message":"The request body has 1 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"}]}""", null)
            : (r.Path.Contains("mail/send", StringComparison.Ordinal) ? 202 : 200, "", null);
        var logs = new CapturingLoggerProvider();
        var settings = TestHost.Settings(azurite.ConnectionString);
        settings["SendGrid:ApiKey"] = SendGridKey;
        settings["SendGrid:From"] = "shop@example.com";
        settings["Line:ChannelAccessToken"] = LineToken;
        settings["Webhook:Url"] = new Uri(provider.BaseAddress, "hook").ToString();
        settings["Webhook:Secret"] = WebhookSecret;
        await using var host = await TestHost.StartAsync(output, settings, configureBuilder: builder =>
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace);
            // The providers' public hosts, answered by the fake on loopback, on every named client the channels use.
            builder.Services.ConfigureAll<HttpClientFactoryOptions>(o =>
                o.HttpMessageHandlerBuilderActions.Add(b => b.AdditionalHandlers.Add(new LoopbackRedirect(provider.BaseAddress))));
        });

        await host.PublishAsync(Journey, Message);
        Assert.Equal(HttpStatusCode.Accepted, (await host.Events.PostAsync("/api/customers/c1/identify", TestHost.Json("""
            {"email":"c1@example.com","firstName":"Mai","lastName":"Sato","lineUserId":"U0123456789abcdef0123456789abcdef","postalCode":"420-0853","addressLine1":"追手町1-2-3",
             "consent":{"email":true,"line":true,"postcard":true}}
            """))).StatusCode);
        await TestHost.WaitUntilAsync(async () => (await host.Admin.GetAsync("/api/customers/c1")).IsSuccessStatusCode, Patience, "the identify");
        await host.PostEventsAsync(TestDocuments.Purchase("c1", "p1", "o-1"));
        await TestHost.WaitUntilAsync(() => new[] { "mail/send", "bot/message/push", "hook" }.All(p => provider.Requests.Any(r => r.Path.Contains(p, StringComparison.Ordinal))),
            Patience, "a request to every provider");
        var channel = host.Services.GetRequiredService<ChannelSet>().Channels.OfType<PostcardBatchChannel>().Single();
        await TestHost.WaitUntilAsync(async () => (await channel.ReadBatchAsync(channel.BatchDate(DateTimeOffset.UtcNow))).Count == 1, Patience, "the postcard");

        using var wrong = new HttpClient { BaseAddress = host.BaseAddress };
        wrong.DefaultRequestHeaders.Add("X-Api-Key", WrongKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/journeys")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsync("/api/events", TestHost.Json(TestDocuments.Purchase("c1", "p2")))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Events.GetAsync("/api/journeys")).StatusCode);
        using var unsigned = await host.Anonymous.PostAsync("/api/webhooks/sendgrid", TestHost.Json("""[{"event":"delivered","email":"c1@example.com"}]"""));
        await host.DisposeAsync();

        // The secrets were in use: each reached its provider.
        Assert.Contains(provider.Requests, r => r.Headers.GetValueOrDefault("Authorization") == "Bearer " + SendGridKey);
        Assert.Contains(provider.Requests, r => r.Headers.GetValueOrDefault("Authorization") == "Bearer " + LineToken);
        var lines = logs.Lines;
        Assert.Contains(lines, l => l.Contains("every-channel", StringComparison.Ordinal));
        var secrets = new Dictionary<string, string>
        {
            ["ApiKeys:Events"] = TestHost.EventsKey,
            ["ApiKeys:Admin"] = TestHost.AdminKey,
            ["a presented unknown API key"] = WrongKey,
            ["SendGrid:ApiKey"] = SendGridKey,
            ["Line:ChannelAccessToken"] = LineToken,
            ["Webhook:Secret"] = WebhookSecret,
            ["the storage account key"] = AzuriteFixture.AccountKey,
        };
        var leaks = secrets.SelectMany(s => lines.Where(l => l.Contains(s.Value, StringComparison.Ordinal)).Select(l => $"{s.Key}: {l}")).ToList();
        output.WriteLine($"{lines.Count.ToString(CultureInfo.InvariantCulture)} log lines searched for {secrets.Count.ToString(CultureInfo.InvariantCulture)} secrets");
        Assert.True(leaks.Count == 0, "Secrets in the logs:\n" + string.Join("\n", leaks.Take(10)));
    }

    /// <summary>Sends requests for the providers' public hosts to the fake provider on loopback, path and query kept.</summary>
    private sealed class LoopbackRedirect(Uri fake) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { Host: "api.sendgrid.com" or "api.line.me" } uri)
            {
                request.RequestUri = new UriBuilder(uri) { Scheme = fake.Scheme, Host = fake.Host, Port = fake.Port }.Uri;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Keeps every log line: the message, the exception with its inner ones, every structured value and every scope.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                owner._lines.Enqueue($"{category} scope: {Describe(state)}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception))
                    .Append(" | ").Append(Describe(state));
                if (exception is not null)
                {
                    line.Append(" | ").Append(exception);
                }

                owner._lines.Enqueue(line.ToString());
            }

            private static string Describe(object? state) => state is IEnumerable<KeyValuePair<string, object?>> values
                ? string.Join("; ", values.Select(v => $"{v.Key}={v.Value}"))
                : state?.ToString() ?? "";
        }
    }
}
