namespace Multiplexer.Actors.Pool;

internal enum PooledWorkerState
{
    Starting,
    Idle,
    Busy,
    Checking,
    Retiring,
}

/// <summary>The pool's bookkeeping for one worker slot. Owned and touched only by <see cref="PoolCore"/>.</summary>
internal sealed class PooledWorker(int id, int generation)
{
    public int Id { get; } = id;

    /// <summary>Which configuration the slot was started with; a reload rolls the older ones.</summary>
    public int Generation { get; } = generation;

    /// <summary>
    /// The newest incarnation of the slot's worker actor heard from (its supervisor numbers them 1, 2, …):
    /// a message from an older one is stale.
    /// </summary>
    public int Incarnation { get; set; }

    public PooledWorkerState State { get; set; } = PooledWorkerState.Starting;

    public int? Pid { get; set; }

    public int? Pgid { get; set; }

    public int? Port { get; set; }

    public long LeaseId { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? ReadySince { get; set; }

    /// <summary>Since when the worker has been idle without interruption; set each time it goes idle.</summary>
    public DateTimeOffset IdleSince { get; set; }

    public LinkedListNode<PooledWorker>? IdleNode { get; set; }

    public long Served { get; set; }

    /// <summary>Requests served by the current incarnation, for max-requests.</summary>
    public long ServedSinceReady { get; set; }

    public long RequestLimit { get; set; } = long.MaxValue;

    /// <summary>Why this worker is to give way to a fresh one, once it is idle and its replacement ready.</summary>
    public string? RecycleReason { get; set; }

    /// <summary>The worker started to take this one's place, if the pool needed one to stay at size.</summary>
    public PooledWorker? Replacement { get; set; }

    public int Restarts { get; set; }

    // The current request and the last one, as plain fields rather than records: the request path allocates nothing for them.
    public string? RequestMethod { get; set; }

    public string? RequestTarget { get; set; }

    /// <summary>When the current request was granted the worker; null when it has none.</summary>
    public DateTimeOffset? RequestStartedAt { get; set; }

    /// <summary>Whether the current request has been logged as slow already.</summary>
    public bool RequestWarnedSlow { get; set; }

    public string? LastMethod { get; set; }

    public string? LastTarget { get; set; }

    public int LastStatus { get; set; }

    public TimeSpan LastDuration { get; set; }

    /// <summary>When the last request was checked in; null before the first.</summary>
    public DateTimeOffset? LastEndedAt { get; set; }

    public string? LastExit { get; set; }
}
