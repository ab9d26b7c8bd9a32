using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>Engine:LeadScoring binds onto the runtime's options: points per event type, half-life and hot threshold.</summary>
public sealed class LeadScoringSettingsTests(ITestOutputHelper output)
{
    private static async Task<JsonNode?> ComputedAsync(TestHost host, string customerId)
    {
        var response = await host.Admin.GetAsync($"/api/customers/{customerId}");
        return response.StatusCode == HttpStatusCode.OK ? (await TestHost.ReadAsync(response))["computed"] : null;
    }

    [Fact]
    public async Task LeadScoring_PointsConfigured_ScoresEventsAndMarksHot()
    {
        var settings = TestHost.Memory();
        settings["Engine:LeadScoring:PointsByEventType:purchase"] = "10";
        settings["Engine:LeadScoring:PointsByEventType:signup"] = "5.5";
        settings["Engine:LeadScoring:HalfLife"] = "30.00:00:00";
        settings["Engine:LeadScoring:HotThreshold"] = "15";
        await using var host = await TestHost.StartAsync(output, settings);

        await host.PostEventsAsync($$"""
        [{"id":"s1","type":"signup","customerId":"l1","occurredAt":"{{TestHost.Now()}}"},{{TestDocuments.Purchase("l1", "p1")}}]
        """);
        JsonNode? computed = null;
        await TestHost.WaitUntilAsync(async () => (computed = await ComputedAsync(host, "l1"))?["orders.count"] is not null, TimeSpan.FromSeconds(10), "l1's events");

        Assert.Equal(15.5, computed!["lead.score"]!.GetValue<double>(), 2);
        Assert.True(computed["lead.hot"]!.GetValue<bool>());
    }

    [Fact]
    public async Task LeadScoring_NoPoints_StaysOff()
    {
        var settings = TestHost.Memory();
        settings["Engine:LeadScoring:HalfLife"] = "30.00:00:00";
        settings["Engine:LeadScoring:HotThreshold"] = "50";
        await using var host = await TestHost.StartAsync(output, settings);

        await host.PostEventsAsync(TestDocuments.Purchase("l2", "p2"));
        JsonNode? computed = null;
        await TestHost.WaitUntilAsync(async () => (computed = await ComputedAsync(host, "l2"))?["orders.count"] is not null, TimeSpan.FromSeconds(10), "l2's purchase");

        Assert.Null(computed!["lead.score"]);
    }

    [Fact]
    public async Task Start_LeadScoringZeroHalfLife_FailsNamingTheSetting()
    {
        var settings = TestHost.Memory();
        settings["Engine:LeadScoring:PointsByEventType:purchase"] = "10";
        settings["Engine:LeadScoring:HalfLife"] = "00:00:00";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains(ex.Failures, f => f.Contains("Engine:LeadScoring", StringComparison.Ordinal) && f.Contains("HalfLife", StringComparison.Ordinal));
    }
}
