using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Multiplexer.Actors.Config;

/// <summary>An inclusive range of TCP ports, written "a..b" in the config file.</summary>
public sealed record PortRange(int First, int Last)
{
    // Validated here so that every PortRange in the system can be allocated from without re-checking.
    public int First { get; } = First is >= 1 and <= 65535
        ? First
        : throw new ArgumentOutOfRangeException(nameof(First), First, "must be in 1..65535");

    public int Last { get; } = Last >= First && Last <= 65535
        ? Last
        : throw new ArgumentOutOfRangeException(nameof(Last), Last, "must be in First..65535");

    public int Count => Last - First + 1;

    public bool Contains(int port) => port >= First && port <= Last;

    public override string ToString() => $"{First}..{Last}";

    /// <summary>Parses "a..b" with 1 &lt;= a &lt;= b &lt;= 65535; anything else is rejected.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PortRange? range)
    {
        range = null;
        var parts = text?.Split("..");
        if (parts is not { Length: 2 }
            || !TryParsePort(parts[0], out var first)
            || !TryParsePort(parts[1], out var last)
            || first > last)
        {
            return false;
        }

        range = new PortRange(first, last);
        return true;
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port)
        && port is >= 1 and <= 65535;
}
