using System.Globalization;

namespace Multiplexer.Actors.Processes;

/// <summary>The fields of /proc/PID/stat the multiplexer looks at.</summary>
/// <param name="State">R, S, D, Z and so on; Z is a zombie, whose sockets and memory are already gone.</param>
/// <param name="CpuTicks">User plus system time (utime + stime), in clock ticks.</param>
public sealed record ProcStat(char State, int ParentPid, int ProcessGroup, long CpuTicks, long RssPages)
{
    /// <summary>USER_HZ: the kernel reports /proc times in 1/100 s whatever its internal tick rate.</summary>
    public const int TicksPerSecond = 100;

    public bool IsRunning => State is not 'Z' and not 'X';

    public double CpuSeconds => (double)CpuTicks / TicksPerSecond;

    /// <summary>Parses the text of a stat file; null when it is not one.</summary>
    public static ProcStat? Parse(string stat)
    {
        // The command name in parentheses may itself hold spaces and parentheses: fields start after the last ')'.
        var end = stat.LastIndexOf(')');
        if (end < 0 || end + 2 > stat.Length)
        {
            return null;
        }
        var fields = stat[(end + 2)..].Split(' ');
        if (fields.Length < 22 || fields[0].Length == 0
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var group)
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var utime)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var stime)
            || !long.TryParse(fields[21], NumberStyles.None, CultureInfo.InvariantCulture, out var rss))
        {
            return null;
        }
        return new ProcStat(fields[0][0], parent, group, utime + stime, rss);
    }
}
