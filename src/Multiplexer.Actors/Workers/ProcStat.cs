using System.Globalization;

namespace Multiplexer.Actors.Workers;

/// <summary>The fields of /proc/PID/stat the multiplexer looks at; one parser for all of them.</summary>
/// <param name="State">R, S, D, Z and so on; Z is a zombie, whose sockets and memory are already gone.</param>
/// <param name="CpuTicks">User plus system time, in clock ticks of 1/100 s.</param>
public sealed record ProcStat(char State, int ParentPid, int ProcessGroup, long CpuTicks, long RssPages)
{
    public bool IsRunning => State is not 'Z' and not 'X';

    /// <summary>Null when the process is gone or cannot be read.</summary>
    public static ProcStat? Read(int pid, string procRoot = "/proc")
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "stat"));
            // The command name in parentheses may itself hold spaces and parentheses: fields start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return new ProcStat(
                fields[0][0],
                int.Parse(fields[1], CultureInfo.InvariantCulture),
                int.Parse(fields[2], CultureInfo.InvariantCulture),
                long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture),
                long.Parse(fields[21], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
