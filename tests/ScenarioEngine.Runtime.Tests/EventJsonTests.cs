using System.Text.Json;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Runtime.Tests;

public sealed class EventJsonTests
{
    private static readonly DateTimeOffset Received = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static (ScenarioEngine.Core.Model.CustomerEvent? Event, IReadOnlyList<ScenarioEngine.Core.Language.ValidationError> Errors) Parse(string json, DateTimeOffset? receivedAt)
    {
        using var doc = JsonDocument.Parse(json);
        return EventJson.Parse(doc.RootElement, "$[3]", "fallback", receivedAt);
    }

    [Fact]
    public void Parse_NoOccurredAtWithReceipt_StampsTheReceiptTime()
    {
        var (e, errors) = Parse("""{"type":"purchase","customerId":"c1"}""", Received);

        Assert.Empty(errors);
        Assert.Equal(Received, e!.OccurredAt);
    }

    [Fact]
    public void Parse_NoOccurredAtWithoutReceipt_IsRequired()
    {
        var (e, errors) = Parse("""{"type":"purchase","customerId":"c1"}""", null);

        Assert.Null(e);
        var error = Assert.Single(errors);
        Assert.Equal("$[3].occurredAt", error.Path);
        Assert.Contains("required", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-03-02T12:00:00Z")]
    [InlineData("2026-03-02T20:59:59+09:00")]
    [InlineData("2020-01-01T00:00:00Z")]
    public void Parse_OccurredAtUpToOneDayAhead_IsKept(string at)
    {
        var (e, errors) = Parse($$"""{"type":"purchase","customerId":"c1","occurredAt":"{{at}}"}""", Received);

        Assert.Empty(errors);
        Assert.Equal(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), e!.OccurredAt);
    }

    [Theory]
    [InlineData("2026-03-02T12:00:01Z")]
    [InlineData("2027-01-01T00:00:00+09:00")]
    public void Parse_OccurredAtMoreThanOneDayAhead_IsRefusedNamingFieldAndLimit(string at)
    {
        var (e, errors) = Parse($$"""{"type":"purchase","customerId":"c1","occurredAt":"{{at}}"}""", Received);

        Assert.Null(e);
        var error = Assert.Single(errors);
        Assert.Equal("$[3].occurredAt", error.Path);
        Assert.Contains("more than 1 day (24 hours) after the event was received (2026-03-01T12:00:00Z)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FutureOccurredAtWithoutReceipt_IsKept()
    {
        var (e, errors) = Parse("""{"type":"purchase","customerId":"c1","occurredAt":"2030-01-01T00:00:00Z"}""", null);

        Assert.Empty(errors);
        Assert.Equal(2030, e!.OccurredAt.Year);
    }

    [Theory]
    [InlineData("""{"amount":1e400}""", "$[3].properties.amount")]
    [InlineData("""{"cart":{"lines":[1,-1e400]}}""", "$[3].properties.cart.lines")]
    public void Parse_NumberBeyondDouble_RefusedAtItsPath(string properties, string path)
    {
        var (e, errors) = Parse($$"""{"type":"purchase","customerId":"c1","properties":{{properties}}}""", Received);

        Assert.Null(e);
        var error = Assert.Single(errors);
        Assert.Equal(path, error.Path);
        Assert.Contains("range of a double", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EventTooLargeForAQueueMessage_RefusedWithItsSize()
    {
        // Flattening repeats the long prefix for every nested property: 40 keys of 1,000 characters.
        var nested = string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"k{i}\":1"));
        var (e, errors) = Parse("{\"type\":\"purchase\",\"customerId\":\"c1\",\"properties\":{\"" + new string('p', 1000) + "\":{" + nested + "}}}", Received);

        Assert.Null(e);
        var error = Assert.Single(errors);
        Assert.Equal("$[3]", error.Path);
        Assert.Contains("an event holds at most 32,768", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EventJustUnderTheLimit_IsKept()
    {
        var (e, errors) = Parse("{\"type\":\"purchase\",\"customerId\":\"c1\",\"properties\":{\"note\":\"" + new string('x', 30_000) + "\"}}", Received);

        Assert.Empty(errors);
        Assert.Equal(30_000, e!.Properties["note"].AsString!.Length);
    }
}
