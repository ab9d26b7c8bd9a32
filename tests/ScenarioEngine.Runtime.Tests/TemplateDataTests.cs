using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>The data a template sees: dotted names nest, computed values sit under their namespace, the trigger under two names.</summary>
public sealed class TemplateDataTests
{
    private static Dictionary<string, object?> At(IReadOnlyDictionary<string, object?> data, string key) =>
        Assert.IsType<Dictionary<string, object?>>(data[key]);

    [Fact]
    public void For_ProfileComputedAndTrigger_NestByDots()
    {
        var profile = new CustomerProfile("c1")
        {
            Attributes = { ["firstName"] = Value.From("Aki"), ["address.city"] = Value.From("Sendai"), ["address.zip"] = Value.From("980") },
            Computed = { ["rfm.segment"] = Value.From("champions"), ["rfm.r"] = Value.From(5), ["clv.p.alive"] = Value.From(0.9), ["score"] = Value.From(7) },
        };

        var data = TemplateData.For(profile, new Dictionary<string, Value> { ["orderId"] = Value.From("o-1"), ["item.sku"] = Value.From("S1") });

        var p = At(data, "profile");
        Assert.Equal("Aki", p["firstName"]);
        Assert.Equal("c1", p["customerId"]);
        Assert.Equal(new Dictionary<string, object?> { ["city"] = "Sendai", ["zip"] = "980" }, At(p, "address"));
        Assert.Equal("champions", At(data, "rfm")["segment"]);
        Assert.Equal(5d, At(data, "rfm")["r"]);
        Assert.Equal(0.9, At(At(data, "clv"), "p")["alive"]);
        Assert.Equal(7d, data["score"]);
        foreach (var name in new[] { "trigger", "event" })
        {
            Assert.Equal("o-1", At(data, name)["orderId"]);
            Assert.Equal("S1", At(At(data, name), "item")["sku"]);
        }
    }

    [Fact]
    public void For_ComputedNamespaceNamedLikeARoot_ReplacesIt()
    {
        var profile = new CustomerProfile("c1") { Attributes = { ["firstName"] = Value.From("Aki") }, Computed = { ["profile.tier"] = Value.From("gold") } };

        var data = TemplateData.For(profile, CustomerEvent.NoProperties);

        Assert.Equal(new Dictionary<string, object?> { ["tier"] = "gold" }, At(data, "profile"));
    }
}
