using System.Globalization;
using Multiplexer.Actors.Workers;

namespace Multiplexer.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Finds and kills processes through /proc. Every process a test starts carries a unique tag in its
/// environment, inherited by all its descendants, so the test can find them even after they have been
/// orphaned, and kill them whether the test passed or failed.
/// </summary>
public static class ProcessTable
{
    public const string TagVariable = "MULTIPLEXER_TEST_TAG";

    public static IReadOnlyList<int> Tagged(string tag)
    {
        var needle = $"{TagVariable}={tag}";
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || !IsAlive(pid))
            {
                continue;
            }
            try
            {
                var environ = File.ReadAllText(Path.Combine(dir, "environ"));
                if (environ.Split('\0').Contains(needle))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid) => ProcStat.Read(pid)?.IsRunning == true;

    /// <summary>The process group id; 0 once the process is gone.</summary>
    public static int ProcessGroup(int pid) => ProcStat.Read(pid)?.ProcessGroup ?? 0;

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Peak resident set size of a live process, from /proc/PID/status.</summary>
    public static long PeakRssBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>User plus system CPU time a process has used so far.</summary>
    public static double CpuSeconds(int pid) => ProcStat.Read(pid)!.CpuTicks / 100.0;

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
