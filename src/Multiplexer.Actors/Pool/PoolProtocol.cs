using Multiplexer.Actors.Config;
using Multiplexer.Actors.Workers;

namespace Multiplexer.Actors.Pool;

/// <summary>
/// Asks the pool for a worker of one's own. The reply travels in the message rather than through a
/// temporary ask actor: when the asker has given up (timeout, client gone) the pool's
/// <c>TrySetResult</c> fails and the worker goes straight back to the pool, so no lease is ever lost.
/// The method and (printable) target say what the worker will be doing, for the status and slow-request warnings.
/// </summary>
public sealed record Checkout(TaskCompletionSource<WorkerLease> Reply, string Method, string Target);

/// <summary>
/// Gives a worker back; <paramref name="Outcome"/> says what the pool should do with it.
/// <paramref name="Status"/> is the response status and <paramref name="WorkerTime"/> how long the request held the worker.
/// </summary>
public sealed record Checkin(WorkerLease Lease, CheckinOutcome Outcome, int Status, TimeSpan WorkerTime);

public enum CheckinOutcome
{
    /// <summary>The worker answered; it is free again.</summary>
    Completed,

    /// <summary>Connecting to the worker or reading its answer failed: check it accepts connections before reuse.</summary>
    ConnectionFailed,

    /// <summary>The worker did not answer within proxy-timeout: a single-threaded service stuck on a request is useless, replace it.</summary>
    TimedOut,
}

/// <summary>Asks for a <see cref="PoolStatus"/> snapshot.</summary>
public sealed record GetPoolStatus
{
    public static GetPoolStatus Instance { get; } = new();
}

public sealed record PoolStatus(
    int Size,
    int MaxOverflow,
    PoolStrategy Strategy,
    int Idle,
    int Busy,
    int Starting,
    int Waiting,
    IReadOnlyList<WorkerStatus> Workers,
    PoolCounters Counters,
    IReadOnlyList<WorkerExit> RecentExits)
{
    /// <summary>Why the pool fails fast (workers keep dying before they are ready), or null.</summary>
    public string? Failure { get; init; }

    /// <summary>Requests still on their worker after http.slow-request, since the pool started.</summary>
    public long SlowRequests { get; init; }
}

/// <summary>Totals since the pool started.</summary>
public sealed record PoolCounters(long Spawned, long Retired, IReadOnlyDictionary<StopCause, long> Stops)
{
    /// <summary>Requests that got a worker and gave it back.</summary>
    public long Served { get; init; }

    /// <summary>The most requests ever waiting at once.</summary>
    public int WaitingMax { get; init; }

    /// <summary>Requests that had to wait with size + max-overflow workers already up: PHP-FPM's "max children reached".</summary>
    public long LimitReached { get; init; }
}

/// <summary>One worker stop, for the status page's list of recent exits.</summary>
public sealed record WorkerExit(DateTimeOffset At, int WorkerId, StopCause Cause, string Reason);

public sealed record WorkerStatus(
    int Id,
    string State,
    int? Pid,
    int? Pgid,
    int? Port,
    DateTimeOffset? StartedAt,
    long RequestsServed,
    int Restarts,
    string? LastExit)
{
    /// <summary>What the worker is doing now, or null when it has no request.</summary>
    public WorkerRequest? Request { get; init; }

    /// <summary>The last request the worker finished, or null before the first.</summary>
    public WorkerLastRequest? LastRequest { get; init; }
}

/// <summary>A request on its worker; <paramref name="ElapsedMs"/> as of when the status was made.</summary>
public sealed record WorkerRequest(string Method, string Target, DateTimeOffset StartedAt, double ElapsedMs);

/// <summary>A request its worker finished: the response status and how long it held the worker.</summary>
public sealed record WorkerLastRequest(string Method, string Target, int Status, double DurationMs, DateTimeOffset EndedAt);

/// <summary>
/// Answered with <see cref="PoolWarm"/> once the first <c>size</c> workers have all been ready (at once
/// if they already were), or once the pool fails fast, when waiting longer would not help.
/// </summary>
public sealed record AwaitPoolWarm
{
    public static AwaitPoolWarm Instance { get; } = new();
}

/// <param name="Failure">Why the pool fails fast instead, or null when it is warm.</param>
public sealed record PoolWarm(string? Failure);

/// <summary>
/// New settings from a reloaded configuration. Pool sizes, timeouts and recycling apply at once; with
/// <paramref name="RollWorkers"/> (a changed start command, environment or working directory) every
/// worker is replaced, one at a time, each new one ready before an old one retires.
/// </summary>
/// <param name="SlotProps">Starts a worker slot with the new service settings.</param>
public sealed record Reconfigure(PoolSettings Pool, RecycleSettings Recycle, Func<int, Akka.Actor.IActorRef, Akka.Actor.Props> SlotProps, bool RollWorkers);

/// <summary>Stops taking checkouts, fails the waiting ones, and stops every worker; answered with <see cref="PoolStopped"/>.</summary>
public sealed record StopPool
{
    public static StopPool Instance { get; } = new();
}

public sealed record PoolStopped
{
    public static PoolStopped Instance { get; } = new();
}
