using System.Globalization;
using Multiplexer.Actors.Config.Hocon;

namespace Multiplexer.Actors.Config.Seed;

/// <summary>A setting of the seed's config.exs, as a key of the table names it, and how its value becomes HOCON.</summary>
/// <param name="SeedKey">The seed's name for it: "pool_size".</param>
/// <param name="ToHocon">The value as HOCON text, or null when it has the wrong type.</param>
/// <param name="Expected">What to say when it has the wrong type.</param>
internal sealed record SeedMapping(string SeedKey, Func<SeedValue, string?> ToHocon, string Expected)
{
    // TimeSpan's range, in whole milliseconds.
    private const long MaxMilliseconds = long.MaxValue / TimeSpan.TicksPerMillisecond;

    public static SeedMapping Integer(string seedKey) => new(seedKey, IntegerValue, "expected an integer");

    public static SeedMapping Strategy(string seedKey) => new(
        seedKey, value => value is { Kind: SeedValueKind.Atom, Text: "fifo" or "lifo" } ? value.Text : null, "expected :fifo or :lifo");

    public static SeedMapping Milliseconds(string seedKey) =>
        new(seedKey, MillisecondsValue, "expected a number of milliseconds such as 5 * 60 * 1000");

    public static SeedMapping StartDelay(string seedKey) => new(
        seedKey,
        value => value is { Kind: SeedValueKind.Atom, Text: "wait_first_output" } ? Config.StartDelay.WaitFirstOutputText : MillisecondsValue(value),
        "expected :wait_first_output or a number of milliseconds");

    public static SeedMapping String(string seedKey, string expected) =>
        new(seedKey, value => value.Kind == SeedValueKind.String ? HoconString.Quote(value.Text) : null, expected);

    public static SeedMapping Range(string seedKey) => new(
        seedKey, value => value.Kind == SeedValueKind.Range ? HoconString.Quote(value.Describe()) : null, "expected a range such as 10300..10350");

    private static string? IntegerValue(SeedValue value) =>
        value.Kind == SeedValueKind.Integer ? value.Integer.ToString(CultureInfo.InvariantCulture) : null;

    private static string? MillisecondsValue(SeedValue value) =>
        value.Kind == SeedValueKind.Integer && Math.Abs(value.Integer) <= MaxMilliseconds
            ? Duration.Format(TimeSpan.FromMilliseconds(value.Integer))
            : null;
}
