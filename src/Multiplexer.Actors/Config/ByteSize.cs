using System.Globalization;

namespace Multiplexer.Actors.Config;

/// <summary>
/// Byte sizes ("64KB", "1 MiB", "4096"). All units are powers of 1024 (KB = KiB), as in Akka.
/// </summary>
public static class ByteSize
{
    private const long Kilo = 1024;

    // Largest first, so Format picks the biggest unit that represents the value exactly.
    private static readonly (long Bytes, string[] Names)[] Units =
    [
        (Kilo * Kilo * Kilo * Kilo, ["TB", "TiB", "T", "Ti"]),
        (Kilo * Kilo * Kilo, ["GB", "GiB", "G", "Gi"]),
        (Kilo * Kilo, ["MB", "MiB", "M", "Mi"]),
        (Kilo, ["KB", "KiB", "K", "Ki"]),
        (1, ["B", "byte", "bytes"]),
    ];

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (!NumberWithUnit.TrySplit(text, out var number, out var unit) || number < 0)
        {
            return false;
        }

        var multiplier = unit.Length == 0
            ? 1
            : Units.FirstOrDefault(u => u.Names.Contains(unit, StringComparer.OrdinalIgnoreCase)).Bytes;
        if (multiplier == 0
            || !NumberWithUnit.TryMultiply(number, multiplier, out var total)
            || total != decimal.Truncate(total))
        {
            return false;
        }

        bytes = (long)total;
        return true;
    }

    public static string Format(long bytes)
    {
        foreach (var (unitBytes, names) in Units)
        {
            if (bytes != 0 && bytes % unitBytes == 0)
            {
                return (bytes / unitBytes).ToString(CultureInfo.InvariantCulture) + names[0];
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }
}
