using Multiplexer.Actors.Workers;

namespace Multiplexer.Actors.Pool;

/// <summary>What the pool has done since it started, for status and metrics. Owned by <see cref="PoolCore"/>.</summary>
internal sealed class PoolHistory
{
    private const int RecentExitsKept = 20;

    private readonly Dictionary<StopCause, long> _stops = [];
    private readonly Queue<WorkerExit> _recentExits = new();
    private long _spawned;
    private long _retired;
    private long _served;
    private int _waitingMax;
    private long _limitReached;

    public void Spawned() => _spawned++;

    public void Served() => _served++;

    /// <summary>A request joined the queue, now <paramref name="waiting"/> long; <paramref name="atLimit"/>: every worker the pool may run is already up.</summary>
    public void Queued(int waiting, bool atLimit)
    {
        _waitingMax = Math.Max(_waitingMax, waiting);
        if (atLimit)
        {
            _limitReached++;
        }
    }

    public void Retired() => _retired++;

    public void Stopped(WorkerStopped stop, DateTimeOffset at)
    {
        _stops[stop.Cause] = _stops.GetValueOrDefault(stop.Cause) + 1;
        _recentExits.Enqueue(new WorkerExit(at, stop.WorkerId, stop.Cause, stop.Reason));
        if (_recentExits.Count > RecentExitsKept)
        {
            _recentExits.Dequeue();
        }
    }

    public PoolCounters Counters => new(_spawned, _retired, new Dictionary<StopCause, long>(_stops))
    {
        Served = _served,
        WaitingMax = _waitingMax,
        LimitReached = _limitReached,
    };

    public IReadOnlyList<WorkerExit> RecentExits => [.. _recentExits];
}
