using System.Globalization;
using Multiplexer.Actors.Config.Hocon;

namespace Multiplexer.Actors.Config.Keys;

/// <summary>The kinds of value the keys take, each with its parser, its error wording and its HOCON form.</summary>
internal static class KeyTypes
{
    public static KeyType<int> Integer { get; } = new("expected an integer", TryInt, value => value.ToString(CultureInfo.InvariantCulture));

    public static KeyType<long> Long { get; } = new("expected an integer", TryLong, value => value.ToString(CultureInfo.InvariantCulture));

    public static KeyType<TimeSpan> Duration { get; } = new("expected a duration such as 30s", Config.Duration.TryParse, Config.Duration.Format);

    /// <summary>Zero is written as a bare 0, as README shows a key that is off.</summary>
    public static KeyType<long> ByteSize { get; } = new(
        "expected a byte size such as 64KB", Config.ByteSize.TryParse, bytes => bytes == 0 ? "0" : Config.ByteSize.Format(bytes));

    public static KeyType<long?> ByteSizeOrUnlimited { get; } = new(
        "expected unlimited or a byte size such as 10MB",
        TryByteSizeOrUnlimited,
        bytes => bytes is { } limit ? Config.ByteSize.Format(limit) : "unlimited");

    public static KeyType<bool> OnOff { get; } = new("expected on or off", TryOnOff, value => value ? "on" : "off");

    public static KeyType<string> String { get; } = new("expected a string", TryString, HoconString.Quote);

    /// <summary>A string written unquoted: for values that are single words by their validation.</summary>
    public static KeyType<string> Word { get; } = new("expected a string", TryString, value => value);

    public static KeyType<PoolStrategy> Strategy { get; } = new(
        "must be fifo or lifo", TryEnum, value => value.ToString().ToLowerInvariant());

    public static KeyType<LogFormat> LogFormat { get; } = new(
        "must be text or json", TryEnum, value => value.ToString().ToLowerInvariant());

    public static KeyType<PortRange> PortRange { get; } = new(
        "expected an inclusive range a..b with 1 <= a <= b <= 65535, such as 10300..10350",
        TryPortRange,
        range => HoconString.Quote(range.ToString()));

    public static KeyType<Uri> Url { get; } = new(
        "expected a URL such as http://localhost", TryAbsoluteUri, url => HoconString.Quote(url.GetLeftPart(UriPartial.Authority)));

    public static KeyType<StartDelay> StartDelay { get; } = new(
        "expected wait-first-output or a duration such as 1500ms", TryStartDelay, delay => delay.ToString());

    private static bool TryString(string text, out string value)
    {
        value = text;
        return true;
    }

    private static bool TryInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static bool TryLong(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static bool TryOnOff(string text, out bool value)
    {
        (var ok, value) = text.ToUpperInvariant() switch
        {
            "ON" or "TRUE" or "YES" => (true, true),
            "OFF" or "FALSE" or "NO" => (true, false),
            _ => (false, false),
        };
        return ok;
    }

    // Names only: Enum.TryParse would also take numbers and "Fifo, Lifo".
    private static bool TryEnum<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum
    {
        var name = Enum.GetNames<TEnum>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        value = name is null ? default : Enum.Parse<TEnum>(name);
        return name is not null;
    }

    private static bool TryByteSizeOrUnlimited(string text, out long? value)
    {
        value = null;
        if (string.Equals(text, "unlimited", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var ok = Config.ByteSize.TryParse(text, out var bytes);
        value = bytes;
        return ok;
    }

    private static bool TryStartDelay(string text, out StartDelay value)
    {
        value = Config.StartDelay.WaitFirstOutput;
        if (text == Config.StartDelay.WaitFirstOutputText)
        {
            return true;
        }

        var ok = Config.Duration.TryParse(text, out var delay);
        value = new StartDelay(delay);
        return ok;
    }

    private static bool TryPortRange(string text, out PortRange value)
    {
        var ok = Config.PortRange.TryParse(text, out var range);
        value = range ?? new PortRange(1, 1);
        return ok;
    }

    private static bool TryAbsoluteUri(string text, out Uri value)
    {
        var ok = Uri.TryCreate(text, UriKind.Absolute, out var uri);
        value = uri ?? new Uri("http://localhost");
        return ok;
    }
}
