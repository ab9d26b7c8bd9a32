namespace ScenarioEngine.Analytics.Tests;

public sealed class CdnowReaderTests
{
    private static DateTimeOffset Utc(int year, int month, int day) => new(year, month, day, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Read_MasterWithHeaderAndRunsOfSpaces_ParsesEveryLineKeepingLeadingZeros()
    {
        var text = " customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002 19970112  5   77.00\r\n";

        var purchases = CdnowReader.Read(new StringReader(text)).ToList();

        Assert.Equal(
            [new Purchase("00001", Utc(1997, 1, 1), 1, 11.77m), new Purchase("00002", Utc(1997, 1, 12), 5, 77.00m)],
            purchases);
    }

    [Fact]
    public void Read_SampleWithoutHeader_UsesMasterIdAsCustomerId()
    {
        var text = " 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n";

        var purchases = CdnowReader.Read(new StringReader(text)).ToList();

        Assert.Equal(2, purchases.Count);
        Assert.Equal(new Purchase("00004", Utc(1997, 1, 18), 2, 29.73m), purchases[1]);
    }

    [Fact]
    public void Read_ExplicitMasterFormatWithoutHeader_ParsesData()
    {
        var purchases = CdnowReader.Read(new StringReader("00007\t19970301 3 30.00\n"), CdnowFormat.Master).ToList();

        Assert.Equal(new Purchase("00007", Utc(1997, 3, 1), 3, 30.00m), Assert.Single(purchases));
    }

    [Fact]
    public void Read_BlankLines_AreSkippedButCounted()
    {
        var text = "\n 00001 19970101 1 1.00\n\n   \n 00001 1997x101 1 1.00\n";

        var error = Assert.Throws<PurchaseParseException>(() => CdnowReader.Read(new StringReader(text)).ToList());

        Assert.Equal(5, error.LineNumber);
        Assert.StartsWith("Line 5:", error.Message, StringComparison.Ordinal);
        Assert.Contains("1997x101", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" 00001 19970101 1\n", 1)]
    [InlineData(" 00001 19970101 1 1.00\n 00002 19970101 1 1.00 9\n", 2)]
    [InlineData(" 00001 19970101 -1 1.00\n", 1)]
    [InlineData(" 00001 19970101 1 -1.00\n", 1)]
    [InlineData(" 00001 19970101 1 abc\n", 1)]
    [InlineData(" A0001 19970101 1 1.00\n", 1)]
    [InlineData(" 00001 19970230 1 1.00\n", 1)]
    public void Read_BadLine_ThrowsWithLineNumber(string text, int expectedLine)
    {
        var error = Assert.Throws<PurchaseParseException>(() => CdnowReader.Read(new StringReader(text)).ToList());

        Assert.Equal(expectedLine, error.LineNumber);
    }

    [Fact]
    public void Read_SampleHeaderWhenMasterExpected_IsABadLine()
    {
        var text = "master_id sample_id date cds value\n";

        var error = Assert.Throws<PurchaseParseException>(() => CdnowReader.Read(new StringReader(text), CdnowFormat.Master).ToList());

        Assert.Equal(1, error.LineNumber);
    }

    [Fact]
    public void Read_Empty_YieldsNothing()
    {
        Assert.Empty(CdnowReader.Read(new StringReader(string.Empty)));
    }

    [Fact]
    public void Read_SameIdOnManyLines_SharesOneStringInstance()
    {
        var purchases = CdnowReader.Read(new StringReader("00001 19970101 1 1.00\n00001 19970102 1 1.00\n")).ToList();

        Assert.Same(purchases[0].CustomerId, purchases[1].CustomerId);
    }
}

public sealed class JsonLinesPurchaseReaderTests
{
    [Fact]
    public void Read_ValidLines_ParsesPurchasesKeepingOffset()
    {
        var text = """
            {"customerId":"c1","at":"2026-01-01T10:00:00Z","quantity":1,"amount":12.5}

            {"customerId":"007","at":"2026-01-02T09:00:00+09:00","quantity":3,"amount":30,"channel":"web"}
            """;

        var purchases = JsonLinesPurchaseReader.Read(new StringReader(text)).ToList();

        Assert.Equal(
            [
                new Purchase("c1", new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), 1, 12.5m),
                new Purchase("007", new DateTimeOffset(2026, 1, 2, 9, 0, 0, TimeSpan.FromHours(9)), 3, 30m),
            ],
            purchases);
        Assert.Equal(new DateOnly(2026, 1, 2), purchases[1].Day);
    }

    [Theory]
    [InlineData("""{"at":"2026-01-01T10:00:00Z","quantity":1,"amount":1}""", "customerId")]
    [InlineData("""{"customerId":"c1","quantity":1,"amount":1}""", "'at'")]
    [InlineData("""{"customerId":"c1","at":"2026-01-01T10:00:00Z","amount":1}""", "quantity")]
    [InlineData("""{"customerId":"c1","at":"2026-01-01T10:00:00Z","quantity":1,"amount":-1}""", "amount")]
    [InlineData("""{"customerId":"c1","at":"yesterday","quantity":1,"amount":1}""", "invalid JSON")]
    [InlineData("""{"customerId":"c1",""", "invalid JSON")]
    [InlineData("null", "null")]
    public void Read_BadSecondLine_ThrowsWithLineNumberAndReason(string badLine, string expectedInMessage)
    {
        var text = """{"customerId":"c1","at":"2026-01-01T10:00:00Z","quantity":1,"amount":1}""" + "\n" + badLine + "\n";

        var error = Assert.Throws<PurchaseParseException>(() => JsonLinesPurchaseReader.Read(new StringReader(text)).ToList());

        Assert.Equal(2, error.LineNumber);
        Assert.Contains(expectedInMessage, error.Message, StringComparison.Ordinal);
    }
}
