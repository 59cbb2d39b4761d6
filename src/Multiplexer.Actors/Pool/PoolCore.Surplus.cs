using Multiplexer.Actors.Config;

namespace Multiplexer.Actors.Pool;

/// <summary>
/// The pool core's surplus: temporary workers started while requests wait or ahead of demand as
/// spares, and retired once they idle.
/// </summary>
internal sealed partial class PoolCore
{
    private DateTimeOffset? _retirementCheckAt;

    /// <summary>The retirement check scheduled earlier is due.</summary>
    public IReadOnlyList<PoolDecision> RetirementDue()
    {
        _retirementCheckAt = null;
        RetireIdleSurplus();
        return Decided();
    }

    /// <summary>Starts temporary workers while live requests wait for more workers than are already starting.</summary>
    private void StartOverflowIfNeeded()
    {
        if (ActiveCount >= _settings.MaxWorkers)
        {
            return;
        }
        var starting = _workers.Values.Count(w => w.State == PooledWorkerState.Starting);
        var wanted = _waiting.LiveCount() - starting;
        while (wanted-- > 0 && ActiveCount < _settings.MaxWorkers)
        {
            var id = StartSlot();
            Log("All workers busy with {Waiting} waiting: started temporary worker {WorkerId} ({Active} of {MaxWorkers})", _waiting.Count, id, ActiveCount, _settings.MaxWorkers);
        }
    }

    /// <summary>
    /// Keeps min-spare workers up beyond those the pool needs now (size, or every busy one when more are
    /// busy), so that up to min-spare new requests at once never wait for a service to start. Counting
    /// the workers still starting keeps a start under way from being doubled.
    /// </summary>
    private void StartSparesIfNeeded()
    {
        if (_settings.MinSpare == 0 || !_warm || _stopping || _crashLoop.Failure is not null)
        {
            return;
        }
        while (ActiveCount < SpareTarget && ActiveCount < _settings.MaxWorkers)
        {
            var idle = _idle.Count;
            var id = StartSlot();
            Log("Starting spare worker {WorkerId}: {Idle} idle for min-spare {MinSpare}", id, idle, _settings.MinSpare);
        }
    }

    /// <summary>How many workers min-spare asks for: min-spare on top of size, or of the busy ones when more are busy.</summary>
    private int SpareTarget =>
        Math.Max(_settings.Size, _workers.Values.Count(w => w.State is PooledWorkerState.Busy or PooledWorkerState.Checking)) + _settings.MinSpare;

    /// <summary>
    /// Once more than <c>size</c> workers are idle (the burst is over), retires the surplus, never below
    /// <c>size</c>: a worker only once it has been idle without interruption for overflow-idle-timeout (a
    /// request in between starts its idle time again, so a steady load that keeps the workers busy
    /// retires none), one due for recycling first, then fifo the oldest started (services that leak
    /// memory give way to fresh ones), lifo the newest. Min-spare's workers stay.
    /// </summary>
    private void RetireIdleSurplus()
    {
        var now = Now;
        while (ActiveCount > _settings.Size && _idle.Count > _settings.Size && ActiveCount > SpareTarget)
        {
            var eligible = _idle.Where(w => now - w.IdleSince >= _settings.OverflowIdleTimeout).ToList();
            var candidate = eligible.FirstOrDefault(w => w.RecycleReason is not null)
                ?? (_settings.Strategy == PoolStrategy.Fifo ? eligible.MinBy(StartOrder) : eligible.MaxBy(StartOrder));
            if (candidate is null)
            {
                ScheduleRetirementCheck(_idle.Longest!.IdleSince + _settings.OverflowIdleTimeout);
                return;
            }
            Retire(candidate, candidate.RecycleReason is { } reason
                ? $"recycled: {reason}"
                : $"{_settings.Strategy.ToString().ToLowerInvariant()}: {ActiveCount} workers for size {_settings.Size}");
        }
    }

    // Ready time, then id for workers ready at the same moment: ids go up as slots start.
    private static (DateTimeOffset?, int) StartOrder(PooledWorker worker) => (worker.ReadySince, worker.Id);

    /// <summary>Asks for a check at <paramref name="at"/> unless one comes sooner anyway: it would look again and ask anew.</summary>
    private void ScheduleRetirementCheck(DateTimeOffset at)
    {
        if (_retirementCheckAt is { } pending && pending <= at)
        {
            return;
        }
        _retirementCheckAt = at;
        Decide(new ScheduleRetirementCheck(at));
    }

    private void Retire(PooledWorker worker, string reason)
    {
        _idle.Remove(worker);
        worker.State = PooledWorkerState.Retiring;
        _history.Retired();
        Log("Retiring worker {WorkerId} (pid {Pid}, port {Port}): {Reason}", worker.Id, worker.Pid, worker.Port, reason);
        Decide(new StopSlot(worker.Id));
        if (!_stopping)
        {
            RollNext();
            StartSparesIfNeeded();
        }
    }
}
