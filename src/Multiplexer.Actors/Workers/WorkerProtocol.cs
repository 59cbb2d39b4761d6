using Multiplexer.Actors.Processes;

namespace Multiplexer.Actors.Workers;

// Every message a worker actor sends the pool names its incarnation: the slot's supervisor numbers the
// worker actors it starts 1, 2, …, so the pool tells a late message of an earlier one from the current one's.

/// <summary>A worker's process is running on its port but not ready yet. Sent to the pool by the worker.</summary>
/// <param name="Pid">The service's own pid (see <see cref="WorkerProcess.Pid"/>).</param>
/// <param name="Pgid">The worker's process group, by which its memory and CPU are measured.</param>
public sealed record WorkerStarting(int WorkerId, int Incarnation, int Pid, int Port, int Pgid);

/// <summary>A worker is ready to take requests; the sender is the worker actor to address from now on.</summary>
public sealed record WorkerReady(int WorkerId, int Incarnation, int Pid, int Port, int Pgid);

/// <summary>A worker actor has stopped and its process is being stopped; its supervisor decides what comes next.</summary>
/// <param name="WasReady">Whether this incarnation ever became ready: a crash loop is made of ones that did not.</param>
/// <param name="LastErrors">The last lines the process wrote to stderr, which usually say why it died.</param>
public sealed record WorkerStopped(int WorkerId, int Incarnation, StopCause Cause, string Reason, ExitStatus? Exit, bool WasReady = false, IReadOnlyList<string>? LastErrors = null);

/// <summary>Why a worker stopped, for status and metrics.</summary>
public enum StopCause
{
    /// <summary>The process exited by itself or was killed from outside.</summary>
    Exited,

    /// <summary>Not ready within ready-timeout, or could not be started at all.</summary>
    FailedToStart,

    /// <summary>Replaced on the pool's order: hung on a request or no longer accepting connections.</summary>
    Recycled,

    /// <summary>Stopped by its supervisor: retired or shut down.</summary>
    Stopped,
}

/// <summary>The pool asks a worker whose connection failed whether it still accepts connections.</summary>
public sealed record CheckWorkerHealth
{
    public static CheckWorkerHealth Instance { get; } = new();
}

/// <summary>The worker still accepts connections on its port.</summary>
public sealed record WorkerHealthy(int WorkerId, int Incarnation);

/// <summary>The pool tells a worker to kill its process and start afresh (it hung, or failed its health check).</summary>
public sealed record RecycleWorker(string Reason);
