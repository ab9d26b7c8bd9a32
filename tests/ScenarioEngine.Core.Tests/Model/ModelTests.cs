using ScenarioEngine.Core.Language;
using ScenarioEngine.Core.Model;
using static ScenarioEngine.Core.Tests.TestSupport;

namespace ScenarioEngine.Core.Tests.Model;

public sealed class IsoDurationTests
{
    [Theory]
    [InlineData("P1M", 2026, 2, 28)] // 31 January + 1 month is the last day of February
    [InlineData("P1M", 2028, 2, 29)] // ...in a leap year too
    [InlineData("P1Y", 2027, 1, 31)]
    [InlineData("P3D", 2026, 2, 3)]
    [InlineData("P1W", 2026, 2, 7)]
    [InlineData("-P3D", 2026, 1, 28)]
    public void AddTo_31January_CalendarArithmetic(string text, int year, int month, int day)
    {
        var jan31 = new DateTimeOffset(year == 2028 ? 2028 : 2026, 1, 31, 10, 0, 0, TimeSpan.FromHours(9));

        var result = IsoDuration.Parse(text).AddTo(jan31);

        Assert.Equal(new DateTimeOffset(year, month, day, 10, 0, 0, TimeSpan.FromHours(9)), result);
    }

    [Fact]
    public void Parse_NegativeDays_IsNegativeAndSubtracts()
    {
        var d = IsoDuration.Parse("-P3D");

        Assert.Equal(new IsoDuration(true, 0, 0, 3, TimeSpan.Zero), d);
        Assert.Equal(T0.AddDays(-3), d.AddTo(T0));
        Assert.Equal(T0.AddDays(3), d.SubtractFrom(T0));
        Assert.Equal("-P3D", d.ToString());
    }

    [Fact]
    public void Parse_PT90M_IsNinetyMinutes()
    {
        var d = IsoDuration.Parse("PT90M");

        Assert.Equal(TimeSpan.FromMinutes(90), d.Time);
        Assert.Equal(T0.AddMinutes(90), d.AddTo(T0));
        Assert.Equal("PT1H30M", d.ToString());
    }

    [Fact]
    public void Parse_P1W_IsSevenDays()
    {
        var d = IsoDuration.Parse("P1W");

        Assert.Equal(7, d.Days);
        Assert.Equal(TimeSpan.FromDays(7), d.Approximate);
    }

    [Fact]
    public void Parse_Combined_AllParts()
    {
        var d = IsoDuration.Parse("P1Y2M3DT4H5M6.5S");

        Assert.Equal(new IsoDuration(false, 1, 2, 3, new TimeSpan(0, 4, 5, 6, 500)), d);
        Assert.Equal("P1Y2M3DT4H5M6.5S", d.ToString());
    }

    [Theory]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("-P")]
    [InlineData("P1DT")]
    [InlineData("3D")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("P3d")]
    [InlineData("P-3D")]
    [InlineData("PT1.5M")]
    [InlineData(" P3D")]
    [InlineData("P3D ")]
    public void TryParse_NotADuration_False(string? text)
    {
        Assert.False(IsoDuration.TryParse(text, out _));
        Assert.Throws<FormatException>(() => IsoDuration.Parse(text!));
    }

    /// <summary>BUG: TryParse throws OverflowException (int.Parse) or ArgumentOutOfRangeException (TimeSpan) for numbers too large.</summary>
    [Theory]
    [InlineData("P99999999999D")]
    [InlineData("PT999999999H")]
    public void TryParse_NumberTooLarge_FalseInsteadOfThrowing(string text)
    {
        var parsed = IsoDuration.TryParse(text, out _);

        Assert.False(parsed);
    }

    [Fact]
    public void IsZero_PT0S_True()
    {
        Assert.True(IsoDuration.Parse("PT0S").IsZero);
        Assert.Equal("PT0S", IsoDuration.Parse("P0D").ToString());
        Assert.False(IsoDuration.Parse("PT1S").IsZero);
    }

    [Fact]
    public void AddTo_DurationWithTime_IsExactElapsedTime()
    {
        // PT24H across a DST change is 24 elapsed hours (instants carry their own offset).
        var beforeSpringForward = new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.FromHours(-5));

        Assert.Equal(beforeSpringForward.AddHours(24), IsoDuration.Parse("PT24H").AddTo(beforeSpringForward));
    }
}

public sealed class ValueTests
{
    [Fact]
    public void Equals_SameKindAndContent_EqualWithSameHash()
    {
        Assert.Equal(Value.From(1), Value.From(1.0));
        Assert.Equal(Value.From(1).GetHashCode(), Value.From(1.0).GetHashCode());
        Assert.Equal(Value.From("a"), Value.From("a"));
        Assert.Equal(Value.From("a").GetHashCode(), Value.From("a").GetHashCode());
        Assert.Equal(Value.From([Value.From(1), Value.From("x")]), Value.From([Value.From(1), Value.From("x")]));
        Assert.Equal(Value.From([Value.From(1)]).GetHashCode(), Value.From([Value.From(1)]).GetHashCode());
        Assert.Equal(Value.Null, default);
        Assert.Equal(Value.Null, Value.From((string?)null));
        Assert.True(Value.From(true) == Value.From(true));
    }

    [Fact]
    public void Equals_DifferentKindOrContent_NotEqual()
    {
        Assert.NotEqual(Value.From("a"), Value.From("A"));
        Assert.NotEqual(Value.From(1), Value.From("1"));
        Assert.NotEqual(Value.From(true), Value.From(1));
        Assert.NotEqual(Value.From(false), Value.Null);
        Assert.NotEqual(Value.From(0), Value.Null);
        Assert.NotEqual(Value.From([Value.From(1), Value.From(2)]), Value.From([Value.From(2), Value.From(1)]));
        Assert.True(Value.From(1) != Value.From(2));
    }

    [Fact]
    public void AreEqual_NumberAndNumericString_Equal()
    {
        Assert.True(ValueComparer.AreEqual(Value.From(5), Value.From("5")));
        Assert.True(ValueComparer.AreEqual(Value.From("5.0"), Value.From(5)));
        Assert.False(ValueComparer.AreEqual(Value.From("five"), Value.From(5)));
        Assert.False(ValueComparer.AreEqual(Value.From(true), Value.From(1)));
    }

    [Theory]
    [InlineData(10.0, 9.0, 1)]
    [InlineData(-1.5, 2.0, -1)]
    [InlineData(3.0, 3.0, 0)]
    public void TryCompare_Numbers_Numerically(double a, double b, int sign)
    {
        Assert.True(ValueComparer.TryCompare(Value.From(a), Value.From(b), out var c));
        Assert.Equal(sign, Math.Sign(c));
    }

    [Fact]
    public void TryCompare_NumberAndNumericString_Numerically()
    {
        // Ordinally "10" < "9"; as numbers 10 > 9.
        Assert.True(ValueComparer.TryCompare(Value.From(10), Value.From("9"), out var c));
        Assert.True(c > 0);
    }

    [Fact]
    public void TryCompare_IsoTimesWithOffsets_AsInstants()
    {
        // 09:00+09:00 is 00:00Z, earlier than 01:00Z although the text sorts after it.
        Assert.True(ValueComparer.TryCompare(Value.From("2026-05-01T09:00:00+09:00"), Value.From("2026-05-01T01:00:00Z"), out var c));
        Assert.True(c < 0);
        Assert.True(ValueComparer.TryCompare(Value.From(T0), Value.From("2026-05-01"), out var same));
        Assert.Equal(0, same);
    }

    [Fact]
    public void TryCompare_Strings_Ordinal()
    {
        Assert.True(ValueComparer.TryCompare(Value.From("apple"), Value.From("banana"), out var c));
        Assert.True(c < 0);
    }

    [Fact]
    public void TryCompare_NullOrMismatchedKinds_False()
    {
        Assert.False(ValueComparer.TryCompare(Value.Null, Value.From(1), out _));
        Assert.False(ValueComparer.TryCompare(Value.From(true), Value.From(1), out _));
        Assert.False(ValueComparer.TryCompare(Value.From("abc"), Value.From(1), out _));
    }

    [Fact]
    public void FromJson_Kinds_MapAndRoundTrip()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""[true, 2.5, "x", null, [1, "y"], {"a": 1}]""");
        var items = doc.RootElement.EnumerateArray().Select(Value.FromJson).ToList();

        Assert.Equal([ValueKind.Bool, ValueKind.Number, ValueKind.String, ValueKind.Null, ValueKind.List, ValueKind.Null], items.Select(v => v.Kind));
        Assert.Equal("[1, y]", items[4].ToString());
    }

    [Fact]
    public void TryGetTime_DateOnly_IsMidnightUtc()
    {
        Assert.True(Value.From("2026-05-01").TryGetTime(out var t));
        Assert.Equal(T0, t);
        Assert.False(Value.From(20260501).TryGetTime(out _));
    }
}

public sealed class LocalTimeTests
{
    [Fact]
    public void ToInstant_InSpringForwardGap_MovesPastTheGap()
    {
        // 02:30 does not exist in New York on 8 March 2026 (02:00 EST -> 03:00 EDT): the first valid local time is 03:00 EDT.
        var instant = LocalTime.ToInstant(new DateOnly(2026, 3, 8), new TimeOnly(2, 30), Zone("America/New_York"));

        Assert.Equal(Utc(2026, 3, 8, 7, 0), instant);
        Assert.Equal(TimeSpan.FromHours(-4), instant.Offset);
    }

    [Fact]
    public void ToInstant_InFallBackOverlap_TakesFirstOccurrence()
    {
        var instant = LocalTime.ToInstant(new DateOnly(2026, 11, 1), new TimeOnly(1, 30), Zone("America/New_York"));

        Assert.Equal(Utc(2026, 11, 1, 5, 30), instant);
    }

    [Theory]
    [InlineData("Asia/Tokyo", 2026, 7, 1, 1)]
    [InlineData("Europe/London", 2026, 7, 1, 9)]
    [InlineData("Europe/London", 2026, 1, 15, 10)]
    [InlineData("Australia/Sydney", 2026, 7, 1, 0)]
    [InlineData("Australia/Sydney", 2026, 1, 15, 23)]
    public void ToInstant_TenOClock_CorrectUtcHour(string zone, int year, int month, int day, int utcHour)
    {
        var instant = LocalTime.ToInstant(new DateOnly(year, month, day), new TimeOnly(10, 0), Zone(zone));

        Assert.Equal(utcHour, instant.UtcDateTime.Hour);
        Assert.Equal(new TimeOnly(10, 0), TimeOnly.FromDateTime(LocalTime.ToLocal(instant, Zone(zone))));
    }

    [Fact]
    public void NextAt_LaterSameDayOrNextDay()
    {
        var tokyo = Zone("Asia/Tokyo");

        Assert.Equal(Utc(2026, 5, 1, 1, 0), LocalTime.NextAt(T0, new TimeOnly(10, 0), tokyo));
        Assert.Equal(Utc(2026, 5, 2, 0, 0), LocalTime.NextAt(T0.AddMinutes(1), new TimeOnly(9, 0), tokyo));
        Assert.Equal(T0, LocalTime.NextAt(T0, new TimeOnly(9, 0), tokyo));
    }

    /// <summary>BUG: see SendPolicyTests.Decide_QuietHoursEndingInRepeatedHour_DefersToSecondOccurrence.</summary>
    [Fact]
    public void NextAt_TimeInRepeatedHourAfterFirstOccurrence_ReturnsSecondOccurrence()
    {
        var next = LocalTime.NextAt(Utc(2026, 11, 1, 6, 10), new TimeOnly(1, 30), Zone("America/New_York"));

        Assert.Equal(Utc(2026, 11, 1, 6, 30), next);
    }

    [Theory]
    [InlineData("10:00", true)]
    [InlineData("23:59", true)]
    [InlineData("24:00", false)]
    [InlineData("9:00", false)]
    [InlineData("10:00:00", false)]
    public void TryParseTimeOfDay_OnlyHHmm(string text, bool ok)
    {
        Assert.Equal(ok, LocalTime.TryParseTimeOfDay(text, out _));
    }

    [Fact]
    public void FindZone_UnknownOrEmpty_Null()
    {
        Assert.Null(LocalTime.FindZone("Mars/Olympus"));
        Assert.Null(LocalTime.FindZone(""));
        Assert.Null(LocalTime.FindZone(null));
        Assert.NotNull(LocalTime.FindZone("Asia/Tokyo"));
    }
}
