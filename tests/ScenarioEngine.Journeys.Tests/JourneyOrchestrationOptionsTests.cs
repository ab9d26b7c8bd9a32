namespace ScenarioEngine.Journeys.Tests;

public sealed class JourneyOrchestrationOptionsTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(61)]
    public void Validate_TimerPaddingOutOfRange_ThrowsNamingTheSetting(int seconds)
    {
        var options = new JourneyOrchestrationOptions { TimerPadding = TimeSpan.FromSeconds(seconds) };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.StartsWith("Journeys:TimerPadding must be from 00:00:00 to 00:01:00.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TimerPadding_Default_IsOneSecond()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), new JourneyOrchestrationOptions().TimerPadding);
    }
}
