using System.Collections.Concurrent;
using System.Globalization;

namespace ScenarioEngine.Core.Model;

/// <summary>Time-zone arithmetic on IANA zones, DST-correct: local times that do not exist are moved past the gap.</summary>
public static class LocalTime
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Zones = new(StringComparer.Ordinal);

    /// <summary>Finds an IANA time zone; null when the id is unknown.</summary>
    public static TimeZoneInfo? FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        return Zones.GetOrAdd(id, static z =>
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(z);
            }
            catch (TimeZoneNotFoundException)
            {
                return null;
            }
            catch (InvalidTimeZoneException)
            {
                return null;
            }
        });
    }

    /// <summary>Parses a local time of day written HH:mm.</summary>
    public static bool TryParseTimeOfDay(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    /// <summary>The instant at which the given local date and time occur in a zone; a time in a DST gap becomes the first valid minute after it, an ambiguous time its first occurrence.</summary>
    public static DateTimeOffset ToInstant(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            // In a spring-forward gap the wall clock skips ahead; the first valid minute after it is what the customer sees.
            local = local.AddMinutes(1);
        }

        // An ambiguous (fall-back) time takes its first occurrence, the daylight offset.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>The first instant at or after <paramref name="notBefore"/> at which the local clock in the zone shows <paramref name="time"/>.</summary>
    public static DateTimeOffset NextAt(DateTimeOffset notBefore, TimeOnly time, TimeZoneInfo zone)
    {
        var localDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(notBefore, zone).DateTime);
        for (var i = 0; i < 3; i++)
        {
            var candidate = ToInstant(localDate.AddDays(i), time, zone);
            if (candidate >= notBefore)
            {
                return candidate;
            }

            // On a fall-back night the wall clock shows the time twice: the second occurrence may still be ahead.
            var local = localDate.AddDays(i).ToDateTime(time, DateTimeKind.Unspecified);
            if (zone.IsAmbiguousTime(local))
            {
                var second = new DateTimeOffset(local, zone.GetAmbiguousTimeOffsets(local).Min());
                if (second >= notBefore)
                {
                    return second;
                }
            }
        }

        return ToInstant(localDate.AddDays(3), time, zone);
    }

    /// <summary>The local date and time of an instant in a zone.</summary>
    public static DateTime ToLocal(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone).DateTime;
}
