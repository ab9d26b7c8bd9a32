using ScenarioEngine.Runtime.Storage;

namespace ScenarioEngine.Runtime.Tests;

/// <summary>Table Storage's key rule, shared by both providers and the places that make keys from input.</summary>
public sealed class TableKeysTests
{
    [Theory]
    [InlineData("c/1")]
    [InlineData("c\\1")]
    [InlineData("c#1")]
    [InlineData("c?1")]
    [InlineData("c\u00001")]
    [InlineData("c\u001f1")]
    [InlineData("c\u007f1")]
    [InlineData("c\u009f1")]
    public void Forbidden_CharacterAnywhere_Refused(string key)
    {
        Assert.False(TableKeys.HasAllowedCharacters(key));
        Assert.Contains("may hold at most 512 characters", Assert.Throws<ArgumentException>(() => TableKeys.Validate(key, "key")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("c1")]
    [InlineData("x|e-1:2")]
    [InlineData("歩美\u00a0🎁")]
    public void Allowed_Accepted(string key)
    {
        Assert.True(TableKeys.HasAllowedCharacters(key));
        TableKeys.Validate(key, "key");
    }

    [Fact]
    public void Length_OverTheLimit_Refused()
    {
        TableKeys.Validate(new string('a', 512), "key");
        Assert.Throws<ArgumentException>(() => TableKeys.Validate(new string('a', 513), "key"));
        TableKeys.Validate(new string('a', 1024), "key", maxLength: 1024);
    }
}
