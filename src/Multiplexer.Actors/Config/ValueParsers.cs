using System.Globalization;

namespace Multiplexer.Actors.Config;

/// <summary>
/// Parsers for the config's value syntaxes, shaped for <see cref="SectionReader.Read{T}"/>:
/// false means malformed, and the reader reports it with the key and the raw text.
/// </summary>
internal static class ValueParsers
{
    public static bool TryString(string text, out string value)
    {
        value = text;
        return true;
    }

    public static bool TryInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryLong(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryBoolean(string text, out bool value)
    {
        (var ok, value) = text.ToUpperInvariant() switch
        {
            "ON" or "TRUE" or "YES" => (true, true),
            "OFF" or "FALSE" or "NO" => (true, false),
            _ => (false, false),
        };
        return ok;
    }

    public static bool TryLogFormat(string text, out LogFormat value)
    {
        (var ok, value) = text.ToUpperInvariant() switch
        {
            "TEXT" => (true, LogFormat.Text),
            "JSON" => (true, LogFormat.Json),
            _ => (false, LogFormat.Text),
        };
        return ok;
    }

    public static bool TryStrategy(string text, out PoolStrategy value)
    {
        (var ok, value) = text.ToUpperInvariant() switch
        {
            "FIFO" => (true, PoolStrategy.Fifo),
            "LIFO" => (true, PoolStrategy.Lifo),
            _ => (false, PoolStrategy.Fifo),
        };
        return ok;
    }

    public static bool TryMaxRequestBody(string text, out long? value)
    {
        value = null;
        if (string.Equals(text, "unlimited", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var ok = ByteSize.TryParse(text, out var bytes);
        value = bytes;
        return ok;
    }

    public static bool TryStartDelay(string text, out StartDelay value)
    {
        value = StartDelay.WaitFirstOutput;
        if (text == StartDelay.WaitFirstOutputText)
        {
            return true;
        }

        var ok = Duration.TryParse(text, out var delay);
        value = new StartDelay(delay);
        return ok;
    }

    public static bool TryPortRange(string text, out PortRange value)
    {
        var ok = PortRange.TryParse(text, out var range);
        value = range ?? new PortRange(1, 1);
        return ok;
    }

    public static bool TryAbsoluteUri(string text, out Uri value)
    {
        var ok = Uri.TryCreate(text, UriKind.Absolute, out var uri);
        value = uri ?? new Uri("http://localhost");
        return ok;
    }
}
