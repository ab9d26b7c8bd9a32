using ScenarioEngine.Core.Language;
using static ScenarioEngine.Core.Tests.TestSupport;

namespace ScenarioEngine.Core.Tests.Language;

public sealed class MessageParserTests
{
    [Theory]
    [InlineData("""{ "id": "m", "email": { "subject": "Thanks {{profile.firstName}}", "html": "<p>Hi</p>", "text": "Hi" } }""", "email")]
    [InlineData("""{ "id": "m", "email": { "templateId": "d-0123456789" } }""", "email")]
    [InlineData("""{ "id": "m", "line": { "text": "Thanks!" } }""", "line")]
    [InlineData("""{ "id": "m", "webhook": { "payload": { "customer": "{{profile.email}}" } } }""", "webhook")]
    [InlineData("""{ "id": "m", "postcard": { "fields": { "greeting": "Dear {{profile.lastName}}" } } }""", "postcard")]
    public void Parse_ValidContentForOneMedium_HasExactlyThatMedium(string json, string medium)
    {
        var result = MessageParser.Parse(json);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal([medium], result.Value!.Media);
    }

    [Fact]
    public void Parse_EveryMedium_ListsAllMediaAndTemplates()
    {
        var result = MessageParser.Parse("""
            {
              "id": "cross-sell", "name": "Cross-sell",
              "email": { "subject": "S", "text": "T" },
              "line": { "text": "L" },
              "webhook": { "payload": { "a": "b" } },
              "postcard": { "fields": { "f": "F" } }
            }
            """);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(Medium.All, result.Value!.Media);
        Assert.Equal(["$.email.subject", "$.email.text", "$.line.text", "$.webhook.payload", "$.postcard.fields.f"], result.Value.Templates().Select(t => t.Path));
    }

    [Fact]
    public void Parse_EmailWithoutSubject_ErrorAtSubject()
    {
        var result = MessageParser.Parse("""{ "id": "m", "email": { "html": "<p>Hi</p>" } }""");

        HasError(result, "$.email.subject", "is required");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_EmailWithoutBody_ErrorAtEmail()
    {
        var result = MessageParser.Parse("""{ "id": "m", "email": { "subject": "Hi" } }""");

        HasError(result, "$.email", "needs \"html\" or \"text\"");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_NoMediumAtAll_ErrorAtRoot()
    {
        var result = MessageParser.Parse("""{ "id": "m", "name": "Nothing" }""");

        HasError(result, "$", "at least one medium: email, line, webhook or postcard");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_LineTextTooLong_ErrorAtText()
    {
        var result = MessageParser.Parse($$"""{ "id": "m", "line": { "text": "{{new string('x', 5001)}}" } }""");

        HasError(result, "$.line.text", "at most 5000 characters");
    }

    [Fact]
    public void Parse_UnknownMediumProperty_ErrorNamesIt()
    {
        var result = MessageParser.Parse("""{ "id": "m", "sms": { "text": "hi" }, "line": { "text": "hi" } }""");

        HasError(result, "$.sms", "unknown property 'sms'");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_NotJson_ErrorAtRoot()
    {
        var result = MessageParser.Parse("<html>");

        Assert.Equal("$", Assert.Single(result.Errors).Path);
    }
}
