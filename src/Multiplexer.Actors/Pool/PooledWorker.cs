using Akka.Actor;

namespace Multiplexer.Actors.Pool;

internal enum PooledWorkerState
{
    Starting,
    Idle,
    Busy,
    Checking,
    Retiring,
}

/// <summary>The pool's bookkeeping for one worker slot. Owned and touched only by <see cref="PoolActor"/>.</summary>
internal sealed class PooledWorker(int id, IActorRef slot, int generation)
{
    public int Id { get; } = id;

    /// <summary>Which configuration the slot was started with; a reload rolls the older ones.</summary>
    public int Generation { get; } = generation;

    /// <summary>The slot's supervisor: stopping it retires the worker for good.</summary>
    public IActorRef Slot { get; } = slot;

    /// <summary>The current incarnation of the worker actor, once ready.</summary>
    public IActorRef? Process { get; set; }

    public PooledWorkerState State { get; set; } = PooledWorkerState.Starting;

    public int? Pid { get; set; }

    public int? Pgid { get; set; }

    public int? Port { get; set; }

    public long LeaseId { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? ReadySince { get; set; }

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

    public string? LastExit { get; set; }
}
