using System.Diagnostics;

namespace Multiplexer.Actors.Processes;

/// <summary>
/// One running worker: the service's process, leader of its own session and process group, so the
/// whole tree it starts (and the watchdog beside it) can be signalled as one.
/// </summary>
public sealed class WorkerProcess
{
    private readonly Process _process;
    private readonly TaskCompletionSource _gone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopping;

    internal WorkerProcess(Process process, WorkerLaunch launch)
    {
        _process = process;
        Launch = launch;
        Pid = process.Id;
        Pgid = process.Id;
        StartedAt = DateTimeOffset.UtcNow;
        Exited = WaitForExitAsync();
    }

    public WorkerLaunch Launch { get; }

    /// <summary>
    /// The service's own pid: the process the start command runs, itself for a simple command (the shell
    /// execs it), the shell running it for a compound one. What operators see in ps, top and the service's logs.
    /// </summary>
    public int Pid { get; }

    /// <summary>
    /// The worker's process group, to signal and measure the whole worker by. setsid made the process the
    /// multiplexer started the group's leader, and each exec since kept its pid; the group outlives it.
    /// </summary>
    public int Pgid { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Completes when the service's process has exited, with its exit status.</summary>
    public Task<ExitStatus> Exited { get; }

    /// <summary>Completes once the worker's process group has been swept after exit or stop.</summary>
    public Task Gone => _gone.Task;

    public StreamReader StandardOutput => _process.StandardOutput;

    public StreamReader StandardError => _process.StandardError;

    /// <summary>
    /// SIGTERM to the group, SIGKILL to whatever is left after <paramref name="grace"/>. Safe to call
    /// more than once and after the process has exited on its own.
    /// </summary>
    public Task StopAsync(TimeSpan grace)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            _ = StopCoreAsync(grace);
        }
        return Gone;
    }

    /// <summary>Immediate SIGKILL of the whole group, for the last moments of the multiplexer.</summary>
    public void Kill() => Libc.KillGroup(Pgid, Libc.SIGKILL);

    private async Task StopCoreAsync(TimeSpan grace)
    {
        if (!Exited.IsCompleted)
        {
            Libc.KillGroup(Pgid, Libc.SIGTERM);
            await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false);
        }
        // Children of the service may outlive it; nothing of the worker may survive its stop.
        Libc.KillGroup(Pgid, Libc.SIGKILL);
        await Exited.ConfigureAwait(false);
        _gone.TrySetResult();
    }

    private async Task<ExitStatus> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        var status = new ExitStatus(_process.ExitCode);
        // A worker that exits on its own may leave children behind in its group: sweep them now.
        if (Volatile.Read(ref _stopping) == 0)
        {
            Libc.KillGroup(Pgid, Libc.SIGKILL);
            _gone.TrySetResult();
        }
        return status;
    }
}
