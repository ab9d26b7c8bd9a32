using ScenarioEngine.Storage.Azure;

namespace ScenarioEngine.Storage.Azure.Tests;

public sealed class StorageConnectionStringTests
{
    private const string Key = "a2V5LWJ5dGVzLWZvci10ZXN0cw==";

    [Fact]
    public void Parse_UseDevelopmentStorage_ReturnsAzuriteDefaults()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.Equal(StorageConnectionString.DevelopmentAccountKey, parsed.AccountKey);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), parsed.TableEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), parsed.BlobEndpoint);
    }

    [Fact]
    public void Parse_UseDevelopmentStorageFalse_ThrowsFormatException()
    {
        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse("UseDevelopmentStorage=false"));

        Assert.Contains("UseDevelopmentStorage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AccountWithSuffix_DerivesEndpoints()
    {
        var parsed = StorageConnectionString.Parse(
            $"DefaultEndpointsProtocol=https;AccountName=shop;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal("shop", parsed.AccountName);
        Assert.Equal(Key, parsed.AccountKey);
        Assert.Equal(new Uri("https://shop.table.core.chinacloudapi.cn"), parsed.TableEndpoint);
        Assert.Equal(new Uri("https://shop.queue.core.chinacloudapi.cn"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("https://shop.blob.core.chinacloudapi.cn"), parsed.BlobEndpoint);
    }

    [Fact]
    public void Parse_NoProtocolNoSuffix_DefaultsToHttpsCoreWindowsNet()
    {
        var parsed = StorageConnectionString.Parse($"AccountName=shop;AccountKey={Key}");

        Assert.Equal(new Uri("https://shop.table.core.windows.net"), parsed.TableEndpoint);
        Assert.Equal(new Uri("https://shop.queue.core.windows.net"), parsed.QueueEndpoint);
    }

    [Fact]
    public void Parse_ExplicitPathStyleEndpoints_UsesThemAsGiven()
    {
        var parsed = StorageConnectionString.Parse(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            "TableEndpoint=http://127.0.0.1:5002/devstoreaccount1/;QueueEndpoint=http://127.0.0.1:5001/devstoreaccount1;");

        Assert.Equal(new Uri("http://127.0.0.1:5002/devstoreaccount1"), parsed.TableEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:5001/devstoreaccount1"), parsed.QueueEndpoint);
        Assert.Null(parsed.BlobEndpoint);
    }

    [Fact]
    public void Parse_SettingNamesInAnyCase_AreRecognised()
    {
        var parsed = StorageConnectionString.Parse($"accountname=shop; ACCOUNTKEY={Key} ;endpointsuffix=example.org");

        Assert.Equal("shop", parsed.AccountName);
        Assert.Equal(new Uri("https://shop.table.example.org"), parsed.TableEndpoint);
    }

    [Theory]
    [InlineData("AccountKey=" + Key, "AccountName")]
    [InlineData("AccountName=shop", "AccountKey")]
    [InlineData("AccountName=shop;SharedAccessSignature=sv=2020&sig=x", "SharedAccessSignature")]
    [InlineData("AccountName=shop;AccountKey=not*base64", "base64")]
    [InlineData("AccountName=shop;AccountKey=" + Key + ";TableEndpoint=not a uri", "TableEndpoint")]
    [InlineData("AccountName=shop;AccountKey=" + Key + ";QueueEndpoint=ftp://host/x", "QueueEndpoint")]
    [InlineData("AccountName=shop;AccountKey=" + Key + ";DefaultEndpointsProtocol=ftp", "DefaultEndpointsProtocol")]
    [InlineData("AccountName=shop;AccountName=other;AccountKey=" + Key, "more than once")]
    [InlineData("AccountName=shop;junk;AccountKey=" + Key, "Name=Value")]
    [InlineData("", "empty")]
    public void Parse_Malformed_ThrowsFormatExceptionNamingTheProblem(string connectionString, string expected)
    {
        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse(connectionString));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Malformed_ReturnsFalse()
    {
        Assert.False(StorageConnectionString.TryParse("AccountName=shop", out var parsed));
        Assert.Null(parsed);
    }

    [Fact]
    public void ToString_Always_OmitsTheKey()
    {
        var parsed = StorageConnectionString.Parse($"AccountName=shop;AccountKey={Key}");

        Assert.DoesNotContain(Key, parsed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TableClient_ConnectionWithoutTableEndpoint_ThrowsArgumentException()
    {
        var parsed = StorageConnectionString.Parse($"AccountName=shop;AccountKey={Key};QueueEndpoint=http://127.0.0.1:1/shop");

        var error = Assert.Throws<ArgumentException>(() => new TableClient(parsed, "orders"));

        Assert.Contains("TableEndpoint", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1orders")]
    [InlineData("order-s")]
    [InlineData("tables")]
    public void TableClient_InvalidTableName_ThrowsArgumentException(string name)
    {
        Assert.Throws<ArgumentException>(() => new TableClient("UseDevelopmentStorage=true", name));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Orders")]
    [InlineData("-orders")]
    [InlineData("or--ders")]
    [InlineData("orders-")]
    public void QueueClient_InvalidQueueName_ThrowsArgumentException(string name)
    {
        Assert.Throws<ArgumentException>(() => new QueueClient("UseDevelopmentStorage=true", name));
    }
}
