using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Channels;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Host.Tests;

/// <summary>Every setting the host reads is listed once in code and appears in the sample settings and the infrastructure.</summary>
public sealed partial class SettingsTests
{
    private static readonly string Root = AzuriteFixture.FindRepositoryRoot();

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var s in HostSettings.All)
        {
            data.Add(s.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void LocalSettingsSample_ListsSetting(string name)
    {
        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")))!["Values"]!.AsObject();

        Assert.True(values.ContainsKey(name.Replace(":", "__", StringComparison.Ordinal)), $"local.settings.sample.json has no {name}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Bicep_ListsSettingAsAppSetting(string name)
    {
        var bicep = File.ReadAllText(Path.Combine(Root, "infra", "main.bicep"));
        var appSetting = name.Replace(":", "__", StringComparison.Ordinal);

        Assert.Contains($"{{ name: '{appSetting}', value: ", bicep, StringComparison.Ordinal);
    }

    [Fact]
    public void Bicep_SecretsAreKeyVaultReferences()
    {
        var bicep = File.ReadAllText(Path.Combine(Root, "infra", "main.bicep"));

        Assert.All(HostSettings.All.Where(s => s.Secret), s =>
            Assert.Matches($@"\{{ name: '{Regex.Escape(s.AppSettingName)}', value: kvRef\(", bicep));
    }

    [Fact]
    public void LocalSettingsSample_HoldsNoRealSecrets()
    {
        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")))!["Values"]!.AsObject();

        Assert.All(HostSettings.All.Where(s => s.Secret), s =>
        {
            var value = values[s.AppSettingName]!.GetValue<string>();
            Assert.True(value.Length == 0 || value.Contains("local", StringComparison.Ordinal) || value == "UseDevelopmentStorage=true", $"{s.Name} looks like a real secret");
        });
    }

    [Fact]
    public void OptionsClasses_EveryPropertyIsAListedSetting()
    {
        var sections = new (string Section, Type Type)[]
        {
            ("Engine", typeof(EngineHostOptions)), ("ApiKeys", typeof(ApiKeyOptions)), ("SendGrid", typeof(SendGridOptions)),
            ("Line", typeof(LineOptions)), ("Webhook", typeof(WebhookOptions)), ("Templates", typeof(TemplateOptions)), ("Samples", typeof(SamplesOptions)),
            ("ServiceBus", typeof(Storage.Azure.ServiceBus.ServiceBusOptions)),
            ("RateLimits", typeof(RateLimitOptions)), ("Publishing", typeof(PublishingOptions)),
            ("Sending", typeof(Journeys.Sending.SendSettlementOptions)), ("Journeys:Instances", typeof(Journeys.Hosting.JourneyInstancesOptions)),
            ("Sending", typeof(Journeys.Sending.SendingOptions)), ("Sending:Circuit", typeof(Journeys.Sending.CircuitBreakerOptions)),
        };
        var nested = sections.Select(s => s.Type).ToHashSet();
        var listed = HostSettings.All.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        // Dictionaries hold templated settings (ApiKeys:Keys:<name>:Key), described in docs/api.md rather than listed one by one (the
        // send rates, Sending:Rate:<medium>, are listed per medium); a nested options class is checked as its own section.
        Assert.All(sections.SelectMany(s => s.Type.GetProperties().Where(p => p.CanWrite && !p.PropertyType.IsGenericType && !nested.Contains(p.PropertyType)).Select(p => $"{s.Section}:{p.Name}")),
            name => Assert.Contains(name, listed));
    }

    [Fact]
    public void HostSettings_NamesAreUnique()
    {
        Assert.Equal(HostSettings.All.Count, HostSettings.All.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
