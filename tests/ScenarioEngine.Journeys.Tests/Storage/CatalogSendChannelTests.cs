using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Journeys.Ports;
using ScenarioEngine.Journeys.Storage.Adapters;
using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Journeys.Tests.Storage;

/// <summary>The channel over the catalog's messages: the customer's data is built for a renderer that reads it, and only then.</summary>
public sealed class CatalogSendChannelTests
{
    private static readonly MessageDocument Message = MessageParser.Parse("""{ "id": "m1", "webhook": { "payload": { "name": "{{profile.name}}" } } }""").Value!;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SendAsync_Renderer_GivenTheCustomersDataOnlyWhenItReadsIt(bool readsData)
    {
        var renderer = new DataRecordingRenderer(readsData);
        var catalog = new Catalog();
        catalog.Load([], [], [Message]);
        var channel = new CatalogSendChannel(catalog, renderer, [new RecordingChannel(Medium.Webhook)]);
        var profile = new CustomerProfile("c1") { Attributes = { ["name"] = Value.From("Aki") } };

        var result = await channel.SendAsync(new SendCommand("c1", "i1", "j1", 1, "a", Medium.Webhook, "m1", false, "i1/1/a", 1), profile);

        Assert.Equal(ChannelSendStatus.Delivered, result.Status);
        var data = Assert.Single(renderer.Data);
        Assert.Equal(readsData, data.Count > 0);
        if (readsData)
        {
            Assert.Equal("Aki", Assert.IsType<Dictionary<string, object?>>(data["profile"])["name"]);
        }
    }

    private sealed class DataRecordingRenderer(bool readsData) : IMessageRenderer
    {
        public List<IReadOnlyDictionary<string, object?>> Data { get; } = [];

        public bool ReadsData => readsData;

        public IReadOnlyDictionary<string, string> Render(MessageDocument message, string medium, IReadOnlyDictionary<string, object?> data)
        {
            Data.Add(data);
            return new Dictionary<string, string> { ["payload"] = "{}" };
        }
    }
}
