using System.Globalization;

namespace Multiplexer.Actors.Processes;

/// <summary>
/// The one reader of /proc: the processes there, and per process its stat, status, command line and
/// environment. Every read tolerates a process that is gone or not ours to read, as any may vanish mid-walk.
/// </summary>
public static class ProcTable
{
    private const string Root = "/proc";

    /// <summary>Every process id in /proc right now.</summary>
    public static IEnumerable<int> Pids()
    {
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>Null when the process is gone or cannot be read.</summary>
    public static ProcStat? Stat(int pid) => Read(pid, "stat") is { } text ? ProcStat.Parse(text) : null;

    /// <summary>Every process with its stat, in one pass over /proc.</summary>
    public static IEnumerable<(int Pid, ProcStat Stat)> Stats()
    {
        foreach (var pid in Pids())
        {
            if (Stat(pid) is { } stat)
            {
                yield return (pid, stat);
            }
        }
    }

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid) => Stat(pid)?.IsRunning == true;

    /// <summary>The live processes of a process group (zombies count as gone).</summary>
    public static IReadOnlyList<int> GroupMembers(int pgid) =>
        [.. Stats().Where(p => p.Stat.ProcessGroup == pgid && p.Stat.IsRunning).Select(p => p.Pid)];

    /// <summary>The value of one <c>Name:</c> line of /proc/PID/status (<c>VmHWM</c>, <c>SigIgn</c>), trimmed; null when absent.</summary>
    public static string? Status(int pid, string field)
    {
        var prefix = field + ":";
        return Read(pid, "status")?.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim();
    }

    /// <summary>The full command line, arguments joined by spaces; null when gone, unreadable or empty (a kernel thread).</summary>
    public static string? CommandLine(int pid) =>
        Read(pid, "cmdline") is { Length: > 0 } raw ? raw.TrimEnd('\0').Replace('\0', ' ') : null;

    /// <summary>The <c>NAME=value</c> entries of the environment the process started with; empty when unreadable.</summary>
    public static IReadOnlyList<string> Environment(int pid) =>
        Read(pid, "environ")?.Split('\0', StringSplitOptions.RemoveEmptyEntries) ?? [];

    private static string? Read(int pid, string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture), file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
