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

    [Fact]
    public void ToCsv_CellsAndFieldNamesStartingLikeFormulas_AreNeutralised()
    {
        var row = new PostcardRow
        {
            Name = "=HYPERLINK(\"http://evil.example\",\"Click\")",
            PostalCode = "+81-3",
            AddressLine1 = "@SUM(A1)",
            City = "\tcity",
            Country = "-JP",
            Fields = new Dictionary<string, string?> { ["=cmd"] = "-1+2", ["note"] = "\r=1" },
        };

        var rows = Rfc4180.Parse(PostcardCsv.ToCsv([row]));

        Assert.Equal(["name", "postal_code", "region", "city", "address_line1", "address_line2", "country", "'=cmd", "note"], rows[0]);
        Assert.Equal(["'=HYPERLINK(\"http://evil.example\",\"Click\")", "'+81-3", "", "'\tcity", "'@SUM(A1)", "", "'-JP", "'-1+2", "'\r=1"], rows[1]);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("postal_code")]
    [InlineData("address_line2")]
    [InlineData("")]
    public void CheckFieldName_AddressColumnOrEmpty_SaysWhy(string field)
    {
        Assert.NotNull(PostcardCsv.CheckFieldName(field));
    }

    [Theory]
    [InlineData("greeting")]
    [InlineData("Name")]
    [InlineData("name2")]
    public void CheckFieldName_OtherName_IsNull(string field)
    {
        Assert.Null(PostcardCsv.CheckFieldName(field));
    }

    [Fact]
    public void Partition_CardWithAddressColumnField_IsSetAsideAndTheRestPrint()
    {
        var bad = new PostcardRow { Name = "a", PostalCode = "1", AddressLine1 = "x", Fields = new Dictionary<string, string?> { ["name"] = "x" } };

        var (printable, unprintable) = PostcardCsv.Partition([Yamada(), bad, Smith()]);

        Assert.Equal(["山田 太郎", "Smith, John"], printable.Select(r => r.Name));
        Assert.Same(bad, Assert.Single(unprintable).Row);
        Assert.Contains("'name' is the name of an address column", unprintable[0].Reason, StringComparison.Ordinal);
        Assert.Equal(3, Rfc4180.Parse(PostcardCsv.ToCsv(printable)).Count);
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
