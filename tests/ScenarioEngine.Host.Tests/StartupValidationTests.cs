using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>Invalid settings stop the host at start with a message naming the setting.</summary>
public sealed class StartupValidationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Start_WithoutApiKeys_FailsNamingTheSetting()
    {
        var settings = TestHost.Memory();
        settings["ApiKeys:Events"] = "";
        settings["ApiKeys:Admin"] = "short";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains(ex.Failures, f => f.Contains("ApiKeys:Events", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("at least 16 characters", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_SameKeyInBothSettings_FailsNamingBoth()
    {
        var settings = TestHost.Memory();
        settings["ApiKeys:Admin"] = TestHost.EventsKey;

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains(ex.Failures, f => f.Contains("more than once, in ApiKeys:Events and ApiKeys:Admin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_WithoutStorage_FailsExplainingTheChoices()
    {
        var settings = TestHost.Memory();
        settings["AzureWebJobsStorage"] = "";

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains("UseDevelopmentStorage=true", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadConnectionString_FailsWithoutEchoingIt()
    {
        var settings = TestHost.Memory();
        settings["AzureWebJobsStorage"] = "AccountKey=secret-value-here";

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains("AzureWebJobsStorage", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value-here", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WebhookUrlWithoutSecret_Fails()
    {
        var settings = TestHost.Memory();
        settings["Webhook:Url"] = "https://hooks.example/in";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains(ex.Failures, f => f.Contains("Webhook:Secret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Journeys:MaxWaitPointsPerExecution", "0")]
    [InlineData("Journeys:MaxSendAttempts", "-1")]
    [InlineData("Journeys:ActivityRetryInterval", "00:00:00")]
    public async Task Start_JourneySettingOutOfRange_FailsNamingTheSettings(string key, string value)
    {
        var settings = TestHost.Memory();
        settings[key] = value;

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains(ex.Failures, f => f.Contains(key.Split(':')[1], StringComparison.Ordinal) && f.Contains("Journeys:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_ConfirmAboveBelowMinusOne_FailsNamingIt()
    {
        var settings = TestHost.Memory();
        settings["Publishing:ConfirmAbove"] = "-2";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains(ex.Failures, f => f.Contains("Publishing:ConfirmAbove must be a number of customers, 0 (always confirm) or -1 (never)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_BadQueueCount_Fails()
    {
        var settings = TestHost.Memory();
        settings["Engine:EventQueueCount"] = "0";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains(ex.Failures, f => f.Contains("Engine:EventQueueCount", StringComparison.Ordinal));
    }
}
