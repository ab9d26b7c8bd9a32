using ScenarioEngine.Runtime.Engine;
using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>Erasing a customer rewrites the instance rows the journey recorder keeps without losing what only the recorder reads.</summary>
public sealed class EraseCustomerTests
{
    [Fact]
    public async Task EraseCustomerAsync_InstanceRowOfTheRecorder_KeepsItsBatchAndDeferrals()
    {
        var h = new EngineHarness([], []);
        await h.InitializeAsync();
        var table = h.Options.CustomersTable;
        var key = Codec.InstanceKey("j", "i1");
        // The instance row as the recorder writes it: an exited instance that still holds its trigger's properties.
        const string instance = """
            {"state":{"instanceId":"i1","journeyId":"j","version":1,"customerId":"c1","status":"Exited","step":"end","seq":3,
            "enteredAt":"2026-03-02T01:00:00+00:00","stepEnteredAt":"2026-03-02T02:00:00+00:00","exitedAt":"2026-03-02T02:00:00+00:00",
            "exitReason":"completed","trigger":{"amount":6800}},"counts":{"a.entered":1},"batch":3,"deferrals":["k#1"]}
            """;
        await h.Store.CommitAsync(table, [
            new RowWrite(WriteKind.Insert, new StoredRow("c1", Codec.ProfileKey, """{"attributes":{"email":"a@example.com"}}""")),
            new RowWrite(WriteKind.Insert, new StoredRow("c1", key, instance)),
        ]);

        await h.Engine.EraseCustomerAsync("c1");

        var erased = Codec.Read<InstanceDoc>((await h.Store.GetAsync(table, "c1", key))!.Data);
        Assert.Empty(erased.State.Trigger);
        Assert.Equal(3, erased.Batch);
        Assert.Equal("k#1", Assert.Single(erased.Deferrals));
        Assert.Equal(1, erased.Counts["a.entered"]);
    }
}
