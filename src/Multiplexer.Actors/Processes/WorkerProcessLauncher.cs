using System.Collections.Concurrent;
using System.Diagnostics;

// Processes/: everything the multiplexer asks of the OS. Starting workers in process groups of their own,
// signals, the /proc table, group memory and CPU, exit status, the owner mark and the stale-process sweep.

namespace Multiplexer.Actors.Processes;

/// <summary>
/// Starts worker processes and keeps track of every one until its process group is gone, so that
/// shutdown can stop them all. Each worker's group holds a small shell watchdog that kills the whole
/// group when its stdin, a pipe from the multiplexer, reaches end of file: the multiplexer is gone, even
/// by SIGKILL, and its workers must not serve stale ports on their own. The watchdog stands beside the
/// service, not above it: the process the multiplexer started becomes the start command's shell, and
/// that shell becomes the service itself when the command is a simple one, so the pid the multiplexer
/// knows and reports is the service's own.
/// </summary>
public sealed class WorkerProcessLauncher(string owner)
{
    // $1 is the start command. The watchdog is forked twice over, so that it is no child of the service
    // (which might wait for all its children) and holds no end of its output pipes; it alone keeps the stdin pipe,
    // as fd 3. Then the shell execs the command's shell, with /dev/null for stdin, keeping its pid.
    private const string Wrapper =
        """exec 3<&0; ( { read -r _ <&3; kill -9 0; } </dev/null >/dev/null 2>&1 & ); exec /bin/sh -c "$1" </dev/null 3<&-""";

    private static readonly string[] SystemdVariables = ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_PID", "WATCHDOG_USEC"];

    private readonly ConcurrentDictionary<int, WorkerProcess> _live = new();

    /// <summary>Processes started and not yet swept.</summary>
    public IReadOnlyCollection<WorkerProcess> Live => (IReadOnlyCollection<WorkerProcess>)_live.Values;

    public Task<WorkerProcess> LaunchAsync(WorkerLaunch launch) => Task.Run(() =>
    {
        var process = Process.Start(CreateStartInfo(launch)) ?? throw new InvalidOperationException("the process did not start");
        var worker = new WorkerProcess(process, launch);
        _live[worker.Pid] = worker;
        worker.Gone.ContinueWith(_ => _live.TryRemove(worker.Pid, out var _), TaskScheduler.Default);
        return worker;
    });

    /// <summary>Stops every live worker (SIGTERM, then SIGKILL after <paramref name="grace"/>) and waits until all are gone.</summary>
    public Task StopAllAsync(TimeSpan grace) => Task.WhenAll(_live.Values.Select(p => p.StopAsync(grace)));

    /// <summary>SIGKILL to every live worker group: the backstop when the multiplexer is about to exit.</summary>
    public void KillAll()
    {
        foreach (var process in _live.Values)
        {
            process.Kill();
        }
    }

    private ProcessStartInfo CreateStartInfo(WorkerLaunch launch)
    {
        // setsid makes the shell the leader of a new session and process group (pid == pgid) without forking.
        var info = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = launch.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "/bin/sh", "-c", Wrapper, "multiplexer-worker", ShellCommand.ExecForm(launch.Command) })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in SystemdVariables)
        {
            info.Environment.Remove(name);
        }
        // Python block-buffers a piped stdout, which would hide the first output that signals readiness.
        info.Environment["PYTHONUNBUFFERED"] = "1";
        foreach (var (name, value) in launch.Environment)
        {
            info.Environment[name] = value;
        }
        info.Environment["PORT"] = launch.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment[WorkerOwner.Variable] = owner;
        return info;
    }
}
