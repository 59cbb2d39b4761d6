using System.Collections.Concurrent;
using System.Diagnostics;

namespace Multiplexer.Actors.Workers;

/// <summary>
/// Starts worker processes and keeps track of every one until its process group is gone, so that
/// shutdown can stop them all. Processes are forked from one long-lived thread: the kernel ties
/// PR_SET_PDEATHSIG to the forking thread, and a retired thread-pool thread would take its children with it.
/// </summary>
public sealed class WorkerProcessLauncher : IDisposable
{
    private static readonly string[] SystemdVariables = ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_PID", "WATCHDOG_USEC"];

    private readonly BlockingCollection<(WorkerLaunch Launch, TaskCompletionSource<WorkerProcess> Reply)> _requests = new();
    private readonly ConcurrentDictionary<int, WorkerProcess> _live = new();
    private readonly bool _hasSetpriv = File.Exists("/usr/bin/setpriv") || File.Exists("/bin/setpriv");
    private readonly Thread _thread;

    public WorkerProcessLauncher()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "worker-launcher" };
        _thread.Start();
    }

    /// <summary>Processes started and not yet swept, by pid.</summary>
    public IReadOnlyCollection<WorkerProcess> Live => (IReadOnlyCollection<WorkerProcess>)_live.Values;

    public Task<WorkerProcess> LaunchAsync(WorkerLaunch launch)
    {
        var reply = new TaskCompletionSource<WorkerProcess>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((launch, reply));
        return reply.Task;
    }

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

    public void Dispose() => _requests.CompleteAdding();

    private void Run()
    {
        foreach (var (launch, reply) in _requests.GetConsumingEnumerable())
        {
            try
            {
                var process = Process.Start(CreateStartInfo(launch))
                    ?? throw new InvalidOperationException("the process did not start");
                var worker = new WorkerProcess(process, launch);
                _live[worker.Pid] = worker;
                worker.Gone.ContinueWith(_ => _live.TryRemove(worker.Pid, out var _), TaskScheduler.Default);
                reply.SetResult(worker);
            }
            catch (Exception ex)
            {
                reply.SetException(ex);
            }
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
        if (_hasSetpriv)
        {
            foreach (var arg in new[] { "setpriv", "--pdeathsig", "SIGKILL", "--" })
            {
                info.ArgumentList.Add(arg);
            }
        }
        info.ArgumentList.Add("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(launch.Command);

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
        return info;
    }
}
