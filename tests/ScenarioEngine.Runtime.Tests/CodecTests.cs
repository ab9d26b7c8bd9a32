using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>How rows are written: UTF-8 straight from the serializer, escaping only what JSON requires.</summary>
public sealed class CodecTests
{
    [Fact]
    public void Row_JapaneseAndHtml_StoredAsTheyAreAndReadBack()
    {
        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.FromHours(9));
        var entry = new TimelineEntry(at, "message", "j", "s", "ご注文ありがとうございます", new Dictionary<string, string> { ["html"] = "<p>\"様\" & 'co'</p>\n" });

        var row = Codec.Row("c1", Codec.TimelineKey(1), new List<TimelineEntry> { entry });

        // Three UTF-8 bytes a Japanese character (not a six-byte \uXXXX), markup and '+' unescaped; quotes and newlines escaped as JSON requires.
        Assert.Contains("ご注文ありがとうございます", row.Data, StringComparison.Ordinal);
        Assert.Contains("<p>\\\"様\\\" & 'co'</p>\\n", row.Data, StringComparison.Ordinal);
        Assert.Contains("+09:00", row.Data, StringComparison.Ordinal);
        var back = Assert.Single(Codec.Read<List<TimelineEntry>>(row));
        Assert.Equal((entry.At, entry.Text, entry.Data!["html"]), (back.At, back.Text, back.Data!["html"]));
    }
}
