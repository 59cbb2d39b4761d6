using System.Globalization;

namespace Multiplexer.Actors.Config.Seed;

/// <summary>The seed's settings and the multiplexer keys they become, in the order they are written out.</summary>
internal static class SeedKeys
{
    private const string ExpectedInteger = "expected an integer";
    private const string ExpectedMilliseconds = "expected a number of milliseconds such as 5 * 60 * 1000";

    // TimeSpan's range, in whole milliseconds.
    private const long MaxMilliseconds = long.MaxValue / TimeSpan.TicksPerMillisecond;

    public static IReadOnlyList<Mapping> All { get; } =
    [
        new("pool_size", "pool", "size", Integer, ExpectedInteger),
        new("pool_max_overflow", "pool", "max-overflow", Integer, ExpectedInteger),
        new("pool_strategy", "pool", "strategy", Strategy, "expected :fifo or :lifo"),
        new("http_port", "http", "port", Integer, ExpectedInteger),
        new("http_proxy_timeout", "http", "proxy-timeout", Milliseconds, ExpectedMilliseconds),
        new("service_http_base_url", "service", "base-url", String, "expected a string such as \"http://localhost\""),
        new("service_port_range", "service", "port-range", Range, "expected a range such as 10300..10350"),
        new("service_start_process_cmd", "service", "start-cmd", String, "expected a string such as \"node index.js %PORT%\""),
        new("service_start_delay_ms", "service", "start-delay", StartDelay, "expected :wait_first_output or a number of milliseconds"),
        new("service_kill_pattern", "service", "kill-pattern", String, "expected a string"),
    ];

    public static Mapping? Find(string seedKey) => All.FirstOrDefault(m => m.SeedKey == seedKey);

    public static Mapping? FindByPath(string path) => All.FirstOrDefault(m => m.Path == path);

    private static string? Integer(SeedValue value) =>
        value.Kind == SeedValueKind.Integer ? value.Integer.ToString(CultureInfo.InvariantCulture) : null;

    private static string? Strategy(SeedValue value) =>
        value is { Kind: SeedValueKind.Atom, Text: "fifo" or "lifo" } ? value.Text : null;

    private static string? Milliseconds(SeedValue value) =>
        value.Kind == SeedValueKind.Integer && Math.Abs(value.Integer) <= MaxMilliseconds
            ? Duration.Format(TimeSpan.FromMilliseconds(value.Integer))
            : null;

    private static string? StartDelay(SeedValue value) =>
        value is { Kind: SeedValueKind.Atom, Text: "wait_first_output" }
            ? Config.StartDelay.WaitFirstOutputText
            : Milliseconds(value);

    private static string? String(SeedValue value) =>
        value.Kind == SeedValueKind.String ? HoconString.Quote(value.Text) : null;

    private static string? Range(SeedValue value) =>
        value.Kind == SeedValueKind.Range ? HoconString.Quote(value.Describe()) : null;

    /// <summary>One seed key and where it goes.</summary>
    /// <param name="ToHocon">The value as HOCON text, or null when it has the wrong type.</param>
    /// <param name="Expected">What to say when it has the wrong type.</param>
    internal sealed record Mapping(string SeedKey, string Section, string Key, Func<SeedValue, string?> ToHocon, string Expected)
    {
        /// <summary>The full dotted key, as in SettingsException messages.</summary>
        public string Path => $"multiplexer.{Section}.{Key}";
    }
}
