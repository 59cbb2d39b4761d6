using System.Globalization;
using Multiplexer.Actors.Processes;

namespace Multiplexer.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Finds and kills a test's processes, through the multiplexer's own /proc reader. Every process a test
/// starts carries a unique tag in its environment, inherited by all its descendants, so the test can find
/// them even after they have been orphaned, and kill them whether the test passed or failed.
/// </summary>
public static class ProcessTable
{
    public const string TagVariable = "MULTIPLEXER_TEST_TAG";

    public static IReadOnlyList<int> Tagged(string tag)
    {
        var needle = $"{TagVariable}={tag}";
        return [.. ProcTable.Pids().Where(pid => ProcTable.IsAlive(pid) && ProcTable.Environment(pid).Contains(needle))];
    }

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid) => ProcTable.IsAlive(pid);

    /// <summary>The process group id; 0 once the process is gone.</summary>
    public static int ProcessGroup(int pid) => ProcTable.Stat(pid)?.ProcessGroup ?? 0;

    public static string CommandLine(int pid) => ProcTable.CommandLine(pid)?.Trim() ?? "";

    /// <summary>Peak resident set size of a live process, from /proc/PID/status.</summary>
    public static long PeakRssBytes(int pid) =>
        long.Parse(ProcTable.Status(pid, "VmHWM")!.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) * 1024;

    /// <summary>User plus system CPU time a process has used so far.</summary>
    public static double CpuSeconds(int pid) => ProcTable.Stat(pid)!.CpuSeconds;

    /// <summary>User plus system CPU time the present members of a process group have used so far.</summary>
    public static double GroupCpuSeconds(int pgid) => ProcTable.Stats().Where(p => p.Stat.ProcessGroup == pgid).Sum(p => p.Stat.CpuSeconds);

    public static void KillAll(string tag)
    {
        foreach (var pid in Tagged(tag))
        {
            Signal(pid, 9);
        }
    }

    public static void Signal(int pid, int signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
