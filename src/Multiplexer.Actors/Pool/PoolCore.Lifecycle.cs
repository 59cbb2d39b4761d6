using Multiplexer.Actors.Workers;

namespace Multiplexer.Actors.Pool;

/// <summary>The pool core's lifecycle events: a worker starting, ready, healthy, stopped; a slot gone; warmth, crash-loop and stop.</summary>
internal sealed partial class PoolCore
{
    private bool _warm;
    private bool _stopping;

    /// <summary>Whether the first <c>size</c> workers have all been ready.</summary>
    public bool IsWarm => _warm;

    /// <summary>Why the pool fails fast (workers keep dying before they are ready), or null.</summary>
    public string? Failure => _crashLoop.Failure;

    /// <summary>The pool starts: <c>size</c> workers, and recycling checks if any are configured.</summary>
    public IReadOnlyList<PoolDecision> Start()
    {
        Decide(new ScheduleRecycleChecks(_recycle.Enabled ? _recycle.CheckInterval : null));
        for (var i = 0; i < _settings.Size; i++)
        {
            StartSlot();
        }
        return Decided();
    }

    public IReadOnlyList<PoolDecision> Started(WorkerStarting starting)
    {
        _history.Spawned();
        if (HeardFrom(starting.WorkerId, starting.Incarnation) is { } worker)
        {
            worker.Pid = starting.Pid;
            worker.Pgid = starting.Pgid;
            worker.Port = starting.Port;
            worker.StartedAt = Now;
        }
        return Decided();
    }

    public IReadOnlyList<PoolDecision> Ready(WorkerReady ready)
    {
        if (HeardFrom(ready.WorkerId, ready.Incarnation) is not { State: PooledWorkerState.Starting } worker)
        {
            return Decided();
        }
        worker.Pid = ready.Pid;
        worker.Pgid = ready.Pgid;
        worker.Port = ready.Port;
        worker.ReadySince = Now;
        worker.ServedSinceReady = 0;
        worker.RequestLimit = _recycle.RequestLimit(_random);
        if (_crashLoop.WorkerReady())
        {
            Log("Worker {WorkerId} is ready: the service recovered, requests are served again", worker.Id);
        }
        foreach (var replaced in _workers.Values.Where(w => w.Replacement == worker && w.State is PooledWorkerState.Idle or PooledWorkerState.Starting).ToList())
        {
            Retire(replaced, $"recycled: {replaced.RecycleReason}");
        }
        Release(worker);
        if (!_warm && _workers.Values.Count(w => w.ReadySince is not null) >= _settings.Size)
        {
            _warm = true;
            Log("Pool warm: {Size} workers ready", _settings.Size);
            Decide(new AnswerWarmWaiters(null));
        }
        StartSparesIfNeeded();
        return Decided();
    }

    /// <summary>The worker whose connection failed still accepts connections: it serves again.</summary>
    public IReadOnlyList<PoolDecision> Healthy(WorkerHealthy healthy)
    {
        if (HeardFrom(healthy.WorkerId, healthy.Incarnation) is { State: PooledWorkerState.Checking } worker)
        {
            Release(worker);
        }
        return Decided();
    }

    /// <summary>A worker's incarnation stopped; its supervisor starts the next one, so the worker is starting again.</summary>
    public IReadOnlyList<PoolDecision> Stopped(WorkerStopped stopped)
    {
        if (!_workers.TryGetValue(stopped.WorkerId, out var worker))
        {
            return Decided();
        }
        _history.Stopped(stopped, Now);
        if (stopped.Exit is not null)
        {
            worker.LastExit = stopped.Exit.ToString();
        }
        if (worker.State == PooledWorkerState.Retiring || HeardFrom(stopped.WorkerId, stopped.Incarnation) is null)
        {
            return Decided();
        }
        if (!stopped.WasReady && stopped.Cause is StopCause.Exited or StopCause.FailedToStart)
        {
            CountStartFailure(stopped);
        }
        worker.Restarts++;
        _idle.Remove(worker);
        EndRequest(worker);
        worker.State = PooledWorkerState.Starting;
        worker.ReadySince = null;
        return Decided();
    }

    /// <summary>A worker's slot is gone: retired, stopped, or (unexpectedly) failed itself.</summary>
    public IReadOnlyList<PoolDecision> SlotTerminated(int workerId)
    {
        if (!_workers.Remove(workerId, out var worker))
        {
            return Decided();
        }
        _idle.Remove(worker);
        if (_stopping)
        {
            if (_workers.Count == 0)
            {
                Decide(ReportStopped.Instance);
            }
        }
        else if (worker.State != PooledWorkerState.Retiring)
        {
            Decide(new PoolLog(PoolLogLevel.Error, "Worker slot {WorkerId} terminated unexpectedly; starting a replacement", workerId));
            if (ActiveCount < _settings.Size)
            {
                StartSlot();
            }
            StartSparesIfNeeded();
        }
        return Decided();
    }

    /// <summary>Stops taking checkouts, fails the waiting ones, and stops every worker; <see cref="ReportStopped"/> once all are gone.</summary>
    public IReadOnlyList<PoolDecision> Stop()
    {
        _stopping = true;
        foreach (var reply in _waiting.TakeAll())
        {
            Decide(new RejectCheckout(reply, CheckoutRejection.ShuttingDown, ShuttingDown));
        }
        if (_workers.Count == 0)
        {
            Decide(ReportStopped.Instance);
            return Decided();
        }
        Log("Stopping {Workers} workers", _workers.Count);
        foreach (var worker in _workers.Values)
        {
            _idle.Remove(worker);
            worker.State = PooledWorkerState.Retiring;
            Decide(new StopSlot(worker.Id));
        }
        return Decided();
    }

    /// <summary>The pool's actor stops or restarts without a <see cref="Stop"/>: the waiting requests are told at once rather than left hanging.</summary>
    public IReadOnlyList<PoolDecision> Abandon()
    {
        foreach (var reply in _waiting.TakeAll())
        {
            Decide(new RejectCheckout(reply, CheckoutRejection.ShuttingDown, "the pool stopped"));
        }
        return Decided();
    }

    public PoolStatus Status()
    {
        var waiting = _waiting.LiveCount();
        var now = Now;
        var workers = _workers.Values
            .OrderBy(w => w.Id)
            .Select(w => new WorkerStatus(w.Id, w.State.ToString().ToLowerInvariant(), w.Pid, w.Pgid, w.Port, w.StartedAt, w.Served, w.Restarts, w.LastExit)
            {
                Request = RequestOf(w, now),
                LastRequest = LastRequestOf(w),
            })
            .ToList();
        return new PoolStatus(_settings.Size, _settings.MaxOverflow, _settings.Strategy,
            workers.Count(w => w.State == "idle"), workers.Count(w => w.State == "busy"), workers.Count(w => w.State == "starting"),
            waiting, workers, _history.Counters, _history.RecentExits)
        {
            Failure = _crashLoop.Failure,
            SlowRequests = _slowRequests,
        };
    }

    /// <summary>
    /// Workers dying before they are ready, again and again, with none ready: fail fast with the cause
    /// rather than let requests wait for a worker that will not come. Logged once; the supervisors go
    /// on retrying with their backoff, and the first ready worker ends it.
    /// </summary>
    private void CountStartFailure(WorkerStopped stopped)
    {
        if (!_crashLoop.StartFailed(stopped, _workers.Values.Any(w => w.ReadySince is not null), Now))
        {
            return;
        }
        var failure = _crashLoop.Failure!;
        Decide(new PoolLog(PoolLogLevel.Error, "Failing fast: {Failure}", failure));
        foreach (var reply in _waiting.TakeAll())
        {
            Decide(new RejectCheckout(reply, CheckoutRejection.ServiceFailing, failure));
        }
        Decide(new AnswerWarmWaiters(failure));
    }

    /// <summary>
    /// Notes a message from this incarnation of the worker and returns the worker, or null when the
    /// message is stale (an older incarnation than one heard from) or the worker gone. Incarnations may
    /// be skipped: one that finds no port stops before it ever says it is starting.
    /// </summary>
    private PooledWorker? HeardFrom(int workerId, int incarnation)
    {
        if (!_workers.TryGetValue(workerId, out var worker) || incarnation < worker.Incarnation)
        {
            return null;
        }
        worker.Incarnation = incarnation;
        return worker;
    }
}
