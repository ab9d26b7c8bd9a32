using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Sending;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>The send gate wired in the standalone host: the send rate on the recording channel and the channels' health.</summary>
public sealed class SendingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task SendRate_TwoPerWindow_DelaysTheThirdSendsToLaterWindowsAndSendsEachOnce()
    {
        var settings = TestHost.Memory();
        settings["Sending:Rate:email"] = "2";
        settings["Sending:RateWindow"] = "00:00:04";
        await using var host = await TestHost.StartAsync(output, settings);
        await host.PublishAsync(TestDocuments.OneShotJourney, TestDocuments.ThanksMessage);
        var customers = Enumerable.Range(1, 5).Select(i => "c" + i).ToList();
        await host.PostEventsAsync("[" + string.Join(",", customers.Select(c => TestDocuments.Identify(c, "i-" + c))) + "]");
        var email = host.Recorded("email");

        // Five sends at two per window need three windows: the fifth goes at the start of the third, at least one window after the
        // purchases were posted (which was within the first).
        var clock = Stopwatch.StartNew();
        await host.PostEventsAsync("[" + string.Join(",", customers.Select(c => TestDocuments.Purchase(c, "p-" + c))) + "]");
        await TestHost.WaitUntilAsync(() => email.Sent.Count >= 5, TimeSpan.FromSeconds(40), "five thank-yous");
        var elapsed = clock.Elapsed;
        await Task.Delay(Window);

        Assert.True(elapsed >= Window, $"five sends at 2 per {Window} took only {elapsed}");
        Assert.Equal(customers, email.Sent.Select(m => m.CustomerId).Order(StringComparer.Ordinal));
        var health = await TestHost.ReadAsync(await host.Anonymous.GetAsync("/api/health"));
        var channel = health["channels"]!.AsArray().Single(c => c!["medium"]!.GetValue<string>() == "email")!;
        Assert.Equal(2, channel["rate"]!.GetValue<int>());
        Assert.Equal("00:00:04", channel["rateWindow"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_OpenCircuit_DegradedWithTheChannelsStateUntilItCloses()
    {
        await using var host = await TestHost.StartAsync(output, TestHost.Memory());
        var circuits = host.Services.GetRequiredService<IChannelCircuits>();
        var before = await TestHost.ReadAsync(await host.Anonymous.GetAsync("/api/health"));
        var retryAt = DateTimeOffset.UtcNow.AddMinutes(1);

        Assert.True(await circuits.TryWriteAsync("webhook", new ChannelCircuit(CircuitState.Open, 5, retryAt.AddMinutes(-2), retryAt.AddMinutes(-1), retryAt, 0,
            "Outage: HTTP 500"), ""));
        var open = await TestHost.ReadAsync(await host.Anonymous.GetAsync("/api/health"));
        var read = await circuits.ReadAsync("webhook");
        Assert.True(await circuits.TryWriteAsync("webhook", ChannelCircuit.Healthy, read.ETag));
        var closed = await TestHost.ReadAsync(await host.Anonymous.GetAsync("/api/health"));

        Assert.Equal("ok", before["status"]!.GetValue<string>());
        Assert.Equal(["email", "line", "webhook", "postcard"], before["channels"]!.AsArray().Select(c => c!["medium"]!.GetValue<string>()));
        Assert.Equal("degraded", open["status"]!.GetValue<string>());
        var webhook = open["channels"]!.AsArray().Single(c => c!["medium"]!.GetValue<string>() == "webhook")!;
        Assert.Equal("open", webhook["state"]!.GetValue<string>());
        Assert.Equal(5, webhook["consecutiveFailures"]!.GetValue<int>());
        Assert.Equal(retryAt, webhook["retryAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("Outage: HTTP 500", webhook["lastFailure"]!.GetValue<string>());
        Assert.Equal("ok", closed["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_RateBelowShards_FailsNamingTheSetting()
    {
        var settings = TestHost.Memory();
        settings["Sending:Rate:email"] = "2";
        settings["Sending:RateShards"] = "4";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains("Sending:Rate:email", error.Message, StringComparison.Ordinal);
    }
}
