using System.Globalization;

namespace Multiplexer.Actors.Config;

/// <summary>
/// HOCON durations ("30s", "1.5 minutes", "1500" = milliseconds). Parsed here rather than with Akka's
/// GetTimeSpan, which silently yields zero for garbage.
/// </summary>
public static class Duration
{
    // Largest first, so Format picks the most readable unit that represents the value exactly.
    private static readonly (decimal Ticks, string[] Names)[] Units =
    [
        (TimeSpan.TicksPerDay, ["d", "day", "days"]),
        (TimeSpan.TicksPerHour, ["h", "hour", "hours"]),
        (TimeSpan.TicksPerMinute, ["m", "minute", "minutes"]),
        (TimeSpan.TicksPerSecond, ["s", "second", "seconds"]),
        (TimeSpan.TicksPerMillisecond, ["ms", "milli", "millis", "millisecond", "milliseconds"]),
        (TimeSpan.TicksPerMicrosecond, ["us", "micro", "micros", "microsecond", "microseconds"]),
        (0.01m, ["ns", "nano", "nanos", "nanosecond", "nanoseconds"]),
    ];

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (!NumberWithUnit.TrySplit(text, out var number, out var unit))
        {
            return false;
        }

        var ticksPerUnit = unit.Length == 0
            ? TimeSpan.TicksPerMillisecond
            : Units.FirstOrDefault(u => u.Names.Contains(unit, StringComparer.Ordinal)).Ticks;
        if (ticksPerUnit == 0 || !NumberWithUnit.TryMultiply(number, ticksPerUnit, out var ticks))
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(ticks, MidpointRounding.AwayFromZero));
        return true;
    }

    /// <summary>Shortest exact form that <see cref="TryParse"/> reads back to the same value.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        decimal ticks = value.Ticks;
        foreach (var (unitTicks, names) in Units)
        {
            if (ticks % unitTicks == 0)
            {
                return (ticks / unitTicks).ToString(CultureInfo.InvariantCulture) + names[0];
            }
        }

        return (ticks * 100).ToString(CultureInfo.InvariantCulture) + "ns";
    }
}
