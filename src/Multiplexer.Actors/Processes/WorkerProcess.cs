using System.Diagnostics;

namespace Multiplexer.Actors.Processes;

/// <summary>
/// One running worker: a shell started as the leader of its own session and process group, so the
/// whole tree it starts (the shell does not exec the command) can be signalled as one.
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
        StartedAt = DateTimeOffset.UtcNow;
        Exited = WaitForExitAsync();
    }

    public WorkerLaunch Launch { get; }

    /// <summary>Pid of the shell, which is also the process group id of everything the worker starts.</summary>
    public int Pid { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Completes when the shell has exited; its exit status as the shell reports it.</summary>
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
    public void Kill() => Libc.KillGroup(Pid, Libc.SIGKILL);

    private async Task StopCoreAsync(TimeSpan grace)
    {
        if (!Exited.IsCompleted)
        {
            Libc.KillGroup(Pid, Libc.SIGTERM);
            await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false);
        }
        // Children of the shell may outlive it; nothing of the worker may survive its stop.
        Libc.KillGroup(Pid, Libc.SIGKILL);
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
            Libc.KillGroup(Pid, Libc.SIGKILL);
            _gone.TrySetResult();
        }
        return status;
    }
}
