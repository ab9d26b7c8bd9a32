using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using ScenarioEngine.Runtime.Sending;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>The renderer that leaves templates as written: it reads no data, and works a message's content out once.</summary>
public sealed class VerbatimRendererTests
{
    private static readonly MessageDocument Message = MessageParser.Parse("""
        { "id": "m", "email": { "subject": "Hi {{profile.firstName}}", "text": "Thanks" }, "line": { "text": "Hello" } }
        """).Value!;

    [Fact]
    public void Render_SameMessageAndMediumTwice_GivesTheOneContentAsWritten()
    {
        var renderer = new VerbatimRenderer();

        var first = renderer.Render(Message, Medium.Email, TemplateData.For(new CustomerProfile("c1"), CustomerEvent.NoProperties));
        var second = renderer.Render(Message, Medium.Email, TemplateData.For(new CustomerProfile("c2"), CustomerEvent.NoProperties));

        Assert.Same(first, second);
        Assert.Equal(new Dictionary<string, string> { ["subject"] = "Hi {{profile.firstName}}", ["text"] = "Thanks" }, first);
        Assert.Equal("Hello", Assert.Single(renderer.Render(Message, Medium.Line, TemplateData.For(new CustomerProfile("c1"), CustomerEvent.NoProperties))).Value);
    }

    [Fact]
    public void ReadsData_Verbatim_False()
    {
        Assert.False(((IMessageRenderer)new VerbatimRenderer()).ReadsData);
    }
}
