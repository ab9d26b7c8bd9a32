using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScenarioEngine.Core.Policy;
using ScenarioEngine.Runtime.Engine;
using Xunit.Abstractions;

namespace ScenarioEngine.Host.Tests;

/// <summary>The send-policy settings reach the engine, and bad ones stop the host at start naming the setting.</summary>
public sealed class PolicySettingsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Start_WithPolicySettings_EngineUsesThem()
    {
        var settings = TestHost.Memory();
        settings["Engine:DefaultTimeZone"] = "Europe/Berlin";
        settings["Engine:QuietHours"] = "22:00-08:30";
        settings["Engine:Caps"] = "email:1/P1D, *:3/P7D";
        settings["Engine:OverCap"] = "defer";

        await using var host = await TestHost.StartAsync(output, settings);
        var options = host.Services.GetRequiredService<JourneyEngine>().Options;

        Assert.Equal("Europe/Berlin", options.Machine.DefaultTimeZone.Id);
        Assert.Equal("Europe/Berlin", options.Policy.DefaultTimeZone.Id);
        Assert.Equal(new QuietHours(new TimeOnly(22, 0), new TimeOnly(8, 30)), options.Policy.QuietHours);
        Assert.Equal([new FrequencyCap("email", 1, TimeSpan.FromDays(1)), new FrequencyCap(null, 3, TimeSpan.FromDays(7))], options.Policy.Caps);
        Assert.Equal(CapAction.Defer, options.Policy.OverCap);
    }

    [Fact]
    public async Task Start_Defaults_QuietHoursAndADailyCapInTokyo()
    {
        var settings = TestHost.Memory();
        settings.Remove("Engine:QuietHours");
        settings.Remove("Engine:Caps");

        await using var host = await TestHost.StartAsync(output, settings);
        var options = host.Services.GetRequiredService<JourneyEngine>().Options;

        Assert.Equal("Asia/Tokyo", options.Policy.DefaultTimeZone.Id);
        Assert.Equal(new QuietHours(new TimeOnly(21, 0), new TimeOnly(9, 0)), options.Policy.QuietHours);
        Assert.Equal([new FrequencyCap(null, 3, TimeSpan.FromDays(1))], options.Policy.Caps);
    }

    [Theory]
    [InlineData("Engine:QuietHours", "9pm-9am", "Engine:QuietHours must be HH:mm-HH:mm")]
    [InlineData("Engine:Caps", "email:0/P1D", "Engine:Caps must be")]
    [InlineData("Engine:Caps", "fax:1/P1D", "Engine:Caps must be")]
    [InlineData("Engine:Caps", "email:1/1 day", "Engine:Caps must be")]
    [InlineData("Engine:DefaultTimeZone", "Mars/Olympus", "Engine:DefaultTimeZone must be an IANA time zone")]
    [InlineData("Engine:OverCap", "drop", "Engine:OverCap must be skip or defer")]
    public async Task Start_BadPolicySetting_FailsNamingIt(string key, string value, string expected)
    {
        var settings = TestHost.Memory();
        settings[key] = value;

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(output, settings));

        Assert.Contains(ex.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }
}
