using System.Globalization;

namespace Multiplexer.Actors.Workers;

/// <summary>A process killed because it was left over from an earlier run.</summary>
public sealed record StaleProcess(int Pid, string CommandLine);

/// <summary>
/// Kills processes left over from an earlier run: those whose full command line contains the
/// kill-pattern (the seed's <c>ps aux | grep PATTERN | xargs kill -9</c>, without grep matching itself
/// or unrelated columns), and those carrying this configuration's owner mark in their environment,
/// even after they left their worker's process group. Never this process or its ancestors.
/// </summary>
public static class StaleProcessKiller
{
    public static IReadOnlyList<StaleProcess> Kill(string pattern, string owner, string procRoot = "/proc")
    {
        var spared = AncestorsOfSelf(procRoot);
        var mark = $"{WorkerProcessLauncher.OwnerVariable}={owner}";
        var killed = new List<StaleProcess>();
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || spared.Contains(pid))
            {
                continue;
            }
            var commandLine = ReadCommandLine(dir);
            var matches = commandLine is not null
                && ((pattern.Length > 0 && commandLine.Contains(pattern, StringComparison.Ordinal)) || HasMark(dir, mark));
            if (matches && Libc.Kill(pid, Libc.SIGKILL))
            {
                killed.Add(new StaleProcess(pid, commandLine!));
            }
        }
        // Their ports are free only once they are gone; SIGKILL is not instant.
        var deadline = Environment.TickCount64 + 2000;
        // A zombie has already closed its sockets: only its exit status waits to be collected.
        while (killed.Any(k => ProcStat.Read(k.Pid, procRoot)?.IsRunning == true) && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(10);
        }
        return killed;
    }

    private static bool HasMark(string procDir, string mark)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDir, "environ")).Split('\0').Contains(mark);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static HashSet<int> AncestorsOfSelf(string procRoot)
    {
        var spared = new HashSet<int>();
        var pid = Environment.ProcessId;
        while (pid > 0 && spared.Add(pid))
        {
            pid = ProcStat.Read(pid, procRoot)?.ParentPid ?? 0;
        }
        return spared;
    }

    private static string? ReadCommandLine(string procDir)
    {
        try
        {
            var raw = File.ReadAllText(Path.Combine(procDir, "cmdline"));
            return raw.Length == 0 ? null : raw.TrimEnd('\0').Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
