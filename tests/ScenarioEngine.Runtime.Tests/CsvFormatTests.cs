using ScenarioEngine.Runtime.Export;

namespace ScenarioEngine.Runtime.Tests;

public sealed class CsvFormatTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line1\r\nline2", "\"line1\r\nline2\"")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("全角，カンマ", "全角，カンマ")]
    [InlineData("100-0001", "100-0001")]
    [InlineData("a=b", "a=b")]
    public void Text_OrdinaryValue_QuotesOnlyWhenRequired(string? value, string expected)
    {
        Assert.Equal(expected, CsvFormat.Text(value));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\",\"x\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"")]
    [InlineData("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("-5", "'-5")]
    [InlineData("@SUM(A1:A9)", "'@SUM(A1:A9)")]
    [InlineData("\t=1+1", "'\t=1+1")]
    [InlineData("\r=1+1", "\"'\r=1+1\"")]
    [InlineData("=1,2", "\"'=1,2\"")]
    public void Text_FormulaStart_GetsLeadingQuoteAndIsQuotedAsNeeded(string value, string expected)
    {
        Assert.Equal(expected, CsvFormat.Text(value));
    }

    [Fact]
    public void Row_Cells_JoinedWithCommasAndLineEnd()
    {
        Assert.Equal("a,'=b,\"c,d\",\n", CsvFormat.Row(["a", "=b", "c,d", null], "\n"));
        Assert.Equal("x\r\n", CsvFormat.Row(["x"]));
    }
}
