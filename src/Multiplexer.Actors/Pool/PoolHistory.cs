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

    public void Spawned() => _spawned++;

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

    public PoolCounters Counters => new(_spawned, _retired, new Dictionary<StopCause, long>(_stops));

    public IReadOnlyList<WorkerExit> RecentExits => [.. _recentExits];
}
