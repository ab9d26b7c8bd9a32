using System.Text;

namespace ScenarioEngine.Channels.Tests;

public sealed class PostcardCsvTests
{
    private static PostcardRow Yamada() => new()
    {
        Name = "山田 太郎",
        PostalCode = "100-0001",
        Region = "東京都",
        City = "千代田区",
        AddressLine1 = "千代田1-1",
        AddressLine2 = "サンプルビル 3F, 301号室",
        Country = "JP",
        Fields = new Dictionary<string, string?> { ["message"] = "いつもありがとうございます。\n次回使える10%クーポン", ["coupon"] = "VIP-\"2025\"" },
    };

    private static PostcardRow Smith() => new()
    {
        Name = "Smith, John",
        PostalCode = "94107",
        Region = "CA",
        City = "San Francisco",
        AddressLine1 = "1 Market St",
        Country = "US",
        Fields = new Dictionary<string, string?> { ["message"] = "Thanks!", ["segment"] = "loyal" },
    };

    [Fact]
    public void ToBytes_AnyBatch_StartsWithUtf8ByteOrderMark()
    {
        var bytes = PostcardCsv.ToBytes([Yamada()]);

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.Equal(PostcardCsv.ToCsv([Yamada()]), Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
    }

    [Fact]
    public void ToCsv_CommasQuotesAndNewlines_AreQuotedPerRfc4180()
    {
        var csv = PostcardCsv.ToCsv([Yamada(), Smith()]);

        Assert.Contains("\"サンプルビル 3F, 301号室\"", csv, StringComparison.Ordinal);
        Assert.Contains("\"VIP-\"\"2025\"\"\"", csv, StringComparison.Ordinal);
        Assert.Contains("\"いつもありがとうございます。\n次回使える10%クーポン\"", csv, StringComparison.Ordinal);
        Assert.Contains("\"Smith, John\"", csv, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void ToCsv_ParsedBack_GivesTheSameValuesInStableColumnOrder()
    {
        var rows = Rfc4180.Parse(PostcardCsv.ToCsv([Yamada(), Smith()]));

        Assert.Equal(
            ["name", "postal_code", "region", "city", "address_line1", "address_line2", "country", "coupon", "message", "segment"],
            rows[0]);
        Assert.Equal(
            ["山田 太郎", "100-0001", "東京都", "千代田区", "千代田1-1", "サンプルビル 3F, 301号室", "JP", "VIP-\"2025\"", "いつもありがとうございます。\n次回使える10%クーポン", ""],
            rows[1]);
        Assert.Equal(["Smith, John", "94107", "CA", "San Francisco", "1 Market St", "", "US", "", "Thanks!", "loyal"], rows[2]);
        Assert.Equal(3, rows.Count);
    }

    [Fact]
    public void ToCsv_RowOrderOrFieldOrderChanges_KeepsTheSameHeader()
    {
        var first = PostcardCsv.ToCsv([Yamada(), Smith()]).Split("\r\n")[0];
        var second = PostcardCsv.ToCsv([Smith(), Yamada()]).Split("\r\n")[0];

        Assert.Equal(first, second);
    }

    [Fact]
    public void ToCsv_ExplicitFieldColumns_AreUsedInTheGivenOrder()
    {
        var rows = Rfc4180.Parse(PostcardCsv.ToCsv([Yamada()], ["message", "coupon"]));

        Assert.Equal(["message", "coupon"], rows[0].Skip(PostcardCsv.AddressColumns.Count));
    }

    [Fact]
    public void Columns_FieldNamedLikeAnAddressColumn_Throws()
    {
        var row = new PostcardRow { Name = "a", PostalCode = "1", AddressLine1 = "x", Fields = new Dictionary<string, string?> { ["city"] = "x" } };

        Assert.Throws<ArgumentException>(() => PostcardCsv.ToCsv([row]));
    }

    [Fact]
    public async Task WriteAsync_Stream_WritesTheSameBytes()
    {
        using var stream = new MemoryStream();

        await PostcardCsv.WriteAsync(stream, [Yamada(), Smith()]);

        Assert.Equal(PostcardCsv.ToBytes([Yamada(), Smith()]), stream.ToArray());
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line1\r\nline2", "\"line1\r\nline2\"")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("全角，カンマ", "全角，カンマ")]
    public void Escape_Value_QuotesOnlyWhenRequired(string? value, string expected)
    {
        Assert.Equal(expected, PostcardCsv.Escape(value));
    }

    /// <summary>A minimal RFC 4180 reader, so the tests check the CSV the way a consumer reads it.</summary>
    private static class Rfc4180
    {
        public static List<List<string>> Parse(string text)
        {
            var rows = new List<List<string>>();
            var row = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        field.Append(c);
                    }
                }
                else if (c == '"')
                {
                    quoted = true;
                }
                else if (c == ',')
                {
                    row.Add(field.ToString());
                    field.Clear();
                }
                else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    row.Add(field.ToString());
                    field.Clear();
                    rows.Add(row);
                    row = [];
                    i++;
                }
                else
                {
                    field.Append(c);
                }
            }

            return rows;
        }
    }
}
