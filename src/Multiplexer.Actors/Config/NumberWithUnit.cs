using System.Globalization;

namespace Multiplexer.Actors.Config;

/// <summary>Shared lexing for "&lt;number&gt; &lt;unit&gt;" values such as "1.5 s" and "64KB".</summary>
internal static class NumberWithUnit
{
    public static bool TrySplit(string? text, out decimal number, out string unit)
    {
        number = 0;
        unit = "";
        var trimmed = text?.Trim() ?? "";
        var end = 0;
        while (end < trimmed.Length && (char.IsAsciiDigit(trimmed[end]) || trimmed[end] is '.' or '-' or '+'))
        {
            end++;
        }

        unit = trimmed[end..].TrimStart();
        return end > 0
            && unit.All(char.IsAsciiLetter)
            && decimal.TryParse(
                trimmed[..end],
                NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture,
                out number);
    }

    /// <summary>Multiplies, failing instead of throwing when the result does not fit a long.</summary>
    public static bool TryMultiply(decimal number, decimal factor, out decimal product)
    {
        product = 0;
        if (Math.Abs(number) > long.MaxValue / factor)
        {
            return false;
        }

        product = number * factor;
        return Math.Abs(product) <= long.MaxValue;
    }
}
