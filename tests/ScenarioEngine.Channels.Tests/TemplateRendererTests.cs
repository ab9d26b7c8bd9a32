using System.Text.Json;

namespace ScenarioEngine.Channels.Tests;

public sealed class TemplateRendererTests
{
    private static IReadOnlyDictionary<string, object?> Data() => new Dictionary<string, object?>
    {
        ["profile"] = new Dictionary<string, object?>
        {
            ["lastName"] = "山田",
            ["firstName"] = "太郎",
            ["nickname"] = "<たろう>",
            ["consent"] = new Dictionary<string, object?> { ["email"] = true },
        },
        ["event"] = new Dictionary<string, object?> { ["type"] = "purchase", ["amount"] = 12800, ["orderId"] = "A-1&2" },
        ["rfm"] = new Dictionary<string, object?> { ["segment"] = "champions", ["score"] = 555 },
        ["recommendations"] = new List<object?>
        {
            new Dictionary<string, object?> { ["title"] = "抹茶ラテ", ["url"] = "https://shop.example.jp/p/1?a=1&b=2" },
            new Dictionary<string, object?> { ["title"] = "ほうじ茶", ["url"] = "https://shop.example.jp/p/2" },
        },
    };

    [Fact]
    public void Render_HtmlTemplate_EscapesValuesButNotTripleStash()
    {
        var renderer = new TemplateRenderer();

        var html = renderer.Render("<p>{{profile.nickname}} {{event.orderId}} {{{profile.nickname}}}</p>", Data(), TemplateKind.Html);

        Assert.Equal("<p>&lt;たろう&gt; A-1&amp;2 <たろう></p>", html);
    }

    [Fact]
    public void Render_TextTemplate_DoesNotEscape()
    {
        var renderer = new TemplateRenderer();

        var text = renderer.Render("{{profile.nickname}} {{event.orderId}}", Data(), TemplateKind.Text);

        Assert.Equal("<たろう> A-1&2", text);
    }

    [Theory]
    [InlineData(TemplateKind.Html)]
    [InlineData(TemplateKind.Text)]
    public void Render_JapaneseAndFullWidthText_RoundTripsExactly(TemplateKind kind)
    {
        const string literal = "〒100-0001 東京都千代田区 ＡＢＣ１２３ ｶﾀｶﾅ 🎉 「ご購入」ありがとうございます。";
        var data = new Dictionary<string, object?> { ["note"] = literal };

        var rendered = new TemplateRenderer().Render(literal + "|{{note}}", data, kind);

        Assert.Equal(literal + "|" + literal, rendered);
    }

    [Fact]
    public void Render_NestedDataWithEachAndIf_RendersEveryPart()
    {
        const string template =
            "{{profile.lastName}}様{{#if rfm.segment}}（{{rfm.segment}}）{{/if}}: ¥{{event.amount}}\n" +
            "{{#each recommendations}}{{@index}}.{{title}} {{/each}}{{#unless profile.consent.email}}NO{{/unless}}";

        var text = new TemplateRenderer().Render(template, Data(), TemplateKind.Text);

        Assert.Equal("山田様（champions）: ¥12800\n0.抹茶ラテ 1.ほうじ茶 ", text);
    }

    [Fact]
    public void Render_SameTemplateTwice_CompilesOncePerKind()
    {
        var renderer = new TemplateRenderer();
        const string template = "{{profile.lastName}}様";

        renderer.Render(template, Data());
        renderer.Render(template, Data());
        Assert.Equal(1, renderer.CachedTemplateCount);

        renderer.Render(template, Data(), TemplateKind.Text);
        Assert.Equal(2, renderer.CachedTemplateCount);
    }

    [Fact]
    public void Render_CacheLimitReached_StartsOver()
    {
        var renderer = new TemplateRenderer(new TemplateRendererOptions { MaxCachedTemplates = 2 });

        renderer.Render("a{{x}}", Data());
        renderer.Render("b{{x}}", Data());
        renderer.Render("c{{x}}", Data());

        Assert.Equal(1, renderer.CachedTemplateCount);
    }

    [Fact]
    public void Render_JsonElementData_IsReadLikeDictionaries()
    {
        var json = JsonDocument.Parse("""{"profile":{"lastName":"佐藤"},"items":[{"name":"煎茶"}],"total":1.5}""").RootElement;
        var data = new Dictionary<string, object?> { ["profile"] = json.GetProperty("profile"), ["items"] = json.GetProperty("items"), ["total"] = json.GetProperty("total") };

        var text = new TemplateRenderer().Render("{{profile.lastName}} {{#each items}}{{name}}{{/each}} {{total}}", data, TemplateKind.Text);

        Assert.Equal("佐藤 煎茶 1.5", text);
    }

    [Fact]
    public void Render_RegisteredHelper_IsCalledWithArguments()
    {
        var renderer = new TemplateRenderer();
        renderer.RegisterHelper("yen", args => $"{Convert.ToDecimal(args[0], System.Globalization.CultureInfo.InvariantCulture):#,0}円");

        var text = renderer.Render("{{yen event.amount}}", Data(), TemplateKind.Text);

        Assert.Equal("12,800円", text);
    }

    [Theory]
    [InlineData("{{#if profile}}never closed")]
    [InlineData("{{#each recommendations}}x{{/if}}")]
    public void Render_InvalidTemplate_ThrowsTemplateSyntaxException(string template)
    {
        Assert.Throws<TemplateSyntaxException>(() => new TemplateRenderer().Render(template, Data()));
    }

    [Fact]
    public void FindPlaceholders_TemplateWithBlocksHelpersAndVariables_ListsOnlyDataPaths()
    {
        var renderer = new TemplateRenderer();
        renderer.RegisterHelper("yen", args => args[0]);
        const string template =
            "{{!-- a comment {{ignored}} --}}{{profile.lastName}} {{yen event.amount}} {{{profile.nickname}}}" +
            "{{#if rfm.segment}}{{rfm.segment}}{{else if rfm.score}}{{rfm.score}}{{else}}-{{/if}}" +
            "{{#each recommendations}}{{@index}} {{this.title}} {{url}} {{this}} {{../profile.firstName}} {{@root.event.type}}{{/each}}" +
            "{{#with profile.consent}}{{email}}{{/with}}{{lookup profile \"lastName\"}} {{yen (lookup event \"amount\") currency=shop.currency}}";

        var paths = renderer.FindPlaceholders(template);

        Assert.Equal(
            [
                "profile.lastName", "event.amount", "profile.nickname", "rfm.segment", "rfm.score", "recommendations",
                "recommendations[].title", "recommendations[].url", "profile.firstName", "event.type", "profile.consent",
                "profile.consent.email", "profile", "event", "shop.currency",
            ],
            paths);
    }

    [Fact]
    public void FindMissingPlaceholders_PathsInsideIfAndEach_ReportsOnlyWhatDataCannotSupply()
    {
        var renderer = new TemplateRenderer();
        const string template =
            "{{profile.lastName}}様 {{#if profile.birthday}}お誕生日{{/if}}" +
            "{{#each recommendations}}{{title}} {{price}} {{/each}}{{coupon.code}}";
        var available = TemplateRenderer.PathsOf(Data());

        var missing = renderer.FindMissingPlaceholders(template, available);

        Assert.Equal(["profile.birthday", "recommendations[].price", "coupon.code"], missing);
    }

    [Fact]
    public void FindMissingPlaceholders_EverythingAvailable_ReturnsEmpty()
    {
        var renderer = new TemplateRenderer();
        const string template = "{{#each recommendations}}{{title}} {{url}}{{/each}}{{#with rfm}}{{segment}}{{/with}}{{#if profile}}{{profile.firstName}}{{/if}}";

        Assert.Empty(renderer.FindMissingPlaceholders(template, TemplateRenderer.PathsOf(Data())));
    }

    [Fact]
    public void FindMissingPlaceholders_ArrayMarkerOptional_InAvailablePaths()
    {
        var renderer = new TemplateRenderer();

        var missing = renderer.FindMissingPlaceholders("{{#each items}}{{name}}{{sku}}{{/each}}", ["items.name"]);

        Assert.Equal(["items[].sku"], missing);
    }

    [Fact]
    public void FindMissingPlaceholders_BlockParamsAndElseBranch_ResolveToTheRightContext()
    {
        var renderer = new TemplateRenderer();
        const string template = "{{#each recommendations as |item i|}}{{item.title}}{{i}}{{item.stock}}{{else}}{{fallback}}{{/each}}";

        var missing = renderer.FindMissingPlaceholders(template, ["recommendations[].title"]);

        Assert.Equal(["recommendations[].stock", "fallback"], missing);
    }

    [Fact]
    public void FindMissingPlaceholders_CaseDiffers_IsMissingBecauseRenderingIsCaseSensitive()
    {
        var renderer = new TemplateRenderer();

        Assert.Equal(["profile.LastName"], renderer.FindMissingPlaceholders("{{profile.LastName}}", ["profile.lastName"]));
        Assert.Equal("", renderer.Render("{{profile.LastName}}", Data()));
    }

    [Theory]
    [InlineData("{{#if x}}open")]
    [InlineData("{{/each}}")]
    [InlineData("{{unterminated")]
    [InlineData("{{else}}")]
    public void FindPlaceholders_MalformedTemplate_ThrowsTemplateSyntaxException(string template)
    {
        Assert.Throws<TemplateSyntaxException>(() => new TemplateRenderer().FindPlaceholders(template));
    }

    [Fact]
    public void PathsOf_NestedData_ListsObjectsArraysAndLeaves()
    {
        var paths = TemplateRenderer.PathsOf(Data());

        Assert.Contains("profile", paths);
        Assert.Contains("profile.consent.email", paths);
        Assert.Contains("recommendations[]", paths);
        Assert.Contains("recommendations[].title", paths);
        Assert.Contains("rfm.segment", paths);
    }
}
