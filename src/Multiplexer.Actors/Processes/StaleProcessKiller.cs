namespace Multiplexer.Actors.Processes;

/// <summary>
/// Kills processes left over from an earlier run: those whose full command line contains the
/// kill-pattern (the seed's <c>ps aux | grep PATTERN | xargs kill -9</c>, without grep matching itself
/// or unrelated columns), and those carrying this configuration's owner mark in their environment,
/// even after they left their worker's process group. Never this process or its ancestors.
/// </summary>
public static class StaleProcessKiller
{
    public static IReadOnlyList<StaleProcess> Kill(string pattern, string owner)
    {
        var spared = AncestorsOfSelf();
        var mark = WorkerOwner.Mark(owner);
        var killed = new List<StaleProcess>();
        foreach (var pid in ProcTable.Pids().Where(pid => !spared.Contains(pid)))
        {
            var commandLine = ProcTable.CommandLine(pid);
            var matches = commandLine is not null
                && ((pattern.Length > 0 && commandLine.Contains(pattern, StringComparison.Ordinal)) || ProcTable.Environment(pid).Contains(mark));
            if (matches && Libc.Kill(pid, Libc.SIGKILL))
            {
                killed.Add(new StaleProcess(pid, commandLine!));
            }
        }
        // Their ports are free only once they are gone; SIGKILL is not instant.
        var deadline = Environment.TickCount64 + 2000;
        // A zombie has already closed its sockets: only its exit status waits to be collected.
        while (killed.Any(k => ProcTable.IsAlive(k.Pid)) && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(10);
        }
        return killed;
    }

    private static HashSet<int> AncestorsOfSelf()
    {
        var spared = new HashSet<int>();
        var pid = Environment.ProcessId;
        while (pid > 0 && spared.Add(pid))
        {
            pid = ProcTable.Stat(pid)?.ParentPid ?? 0;
        }
        return spared;
    }
}
