using Akka.Actor;
using Akka.Event;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Workers;

namespace Multiplexer.Actors.Pool;

/// <summary>
/// The pool: <c>size</c> permanent workers, up to <c>max-overflow</c> temporary ones while all are busy,
/// one request per worker at a time, a bounded wait queue, and retirement of the surplus by strategy
/// once the burst is over. Workers are slots started through <c>slotProps</c> (a <see cref="WorkerSupervisor"/>
/// in production); their worker actors report <see cref="WorkerReady"/> and <see cref="WorkerStopped"/>.
/// </summary>
public sealed class PoolActor : ReceiveActor, IWithTimers
{
    private const string Reloaded = "the configuration was reloaded";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<int, PooledWorker> _workers = [];
    private readonly Dictionary<IActorRef, PooledWorker> _bySlot = [];
    private readonly Dictionary<int, IActorRef> _slots = [];
    private readonly Dictionary<int, IActorRef> _processes = [];

    // Least recently used first: fifo checks out from the front, lifo from the back.
    private readonly LinkedList<PooledWorker> _idle = new();
    private readonly LinkedList<Checkout> _waiting = new();
    private readonly PoolHistory _history = new();
    private readonly List<IActorRef> _warmWaiters = [];
    private PoolSettings _settings;
    private Func<int, IActorRef, Props> _slotProps;
    private RecyclePolicy _recycle;
    private CrashLoopDetector _crashLoop;
    private int _generation;
    private bool _warm;
    private int _nextId = 1;
    private long _nextLease = 1;
    private IActorRef? _stopRequester;

    public PoolActor(PoolSettings settings, Func<int, IActorRef, Props> slotProps, RecycleSettings? recycle = null)
    {
        _settings = settings;
        _slotProps = slotProps;
        _recycle = new RecyclePolicy(recycle ?? RecycleSettings.Off);
        _crashLoop = new CrashLoopDetector(settings.CrashLoop);
        Receive<Checkout>(HandleCheckout);
        Receive<Checkin>(HandleCheckin);
        Receive<WorkerStarting>(HandleStarting);
        Receive<WorkerReady>(HandleReady);
        Receive<WorkerHealthy>(HandleHealthy);
        Receive<WorkerStopped>(HandleStopped);
        Receive<Terminated>(HandleSlotTerminated);
        Receive<RetireTick>(_ => RetireIdleSurplus());
        Receive<GetPoolStatus>(_ => Sender.Tell(Status()));
        Receive<AwaitPoolWarm>(_ => HandleAwaitWarm());
        Receive<RecycleCheck>(_ => CheckForRecycling());
        Receive<Reconfigure>(HandleReconfigure);
        Receive<StopPool>(_ => HandleStopPool());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PoolSettings settings, ServiceSettings service, IActorRef ports, WorkerProcessLauncher launcher) =>
        Akka.Actor.Props.Create(() => new PoolActor(settings, SlotFactory(service, ports, launcher), service.Recycle));

    /// <summary>How production slots start: a <see cref="WorkerSupervisor"/> over a <see cref="WorkerActor"/>.</summary>
    public static Func<int, IActorRef, Props> SlotFactory(ServiceSettings service, IActorRef ports, WorkerProcessLauncher launcher) =>
        (id, pool) => WorkerSupervisor.Props(id, service, pool, ports, launcher);

    private bool Stopping => _stopRequester is not null;

    /// <summary>Workers that count against size + max-overflow: all but those on their way out.</summary>
    private int ActiveCount => _workers.Count - _workers.Values.Count(w => w.State == PooledWorkerState.Retiring);

    protected override void PreStart()
    {
        StartRecycleTimer();
        for (var i = 0; i < _settings.Size; i++)
        {
            StartSlot();
        }
    }

    private void HandleCheckout(Checkout checkout)
    {
        if (checkout.Reply.Task.IsCompleted)
        {
            return;
        }
        if (Stopping)
        {
            checkout.Reply.TrySetException(new CheckoutRejectedException(CheckoutRejection.ShuttingDown, "the multiplexer is shutting down"));
            return;
        }
        if (_crashLoop.Failure is { } failure)
        {
            checkout.Reply.TrySetException(new CheckoutRejectedException(CheckoutRejection.ServiceFailing, failure));
            return;
        }
        if (_idle.Count > 0)
        {
            var worker = _settings.Strategy == PoolStrategy.Fifo ? _idle.First!.Value : _idle.Last!.Value;
            RemoveFromIdle(worker);
            if (!Grant(worker, checkout))
            {
                MakeIdle(worker);
            }
            return;
        }
        if (_waiting.Count >= _settings.MaxWaiting && PurgeAbandonedWaiters() >= _settings.MaxWaiting)
        {
            checkout.Reply.TrySetException(new CheckoutRejectedException(CheckoutRejection.QueueFull,
                $"all {ActiveCount} workers are busy and {_waiting.Count} requests are already waiting (max-waiting)"));
            return;
        }
        _waiting.AddLast(checkout);
        StartOverflowIfNeeded();
    }

    private void HandleCheckin(Checkin checkin)
    {
        if (!_workers.TryGetValue(checkin.Lease.WorkerId, out var worker)
            || worker.State != PooledWorkerState.Busy || worker.LeaseId != checkin.Lease.LeaseId)
        {
            // The worker died or was replaced while the request was out: nothing to give back.
            return;
        }
        worker.Served++;
        worker.ServedSinceReady++;
        switch (checkin.Outcome)
        {
            case CheckinOutcome.Completed:
                Release(worker);
                break;
            case CheckinOutcome.ConnectionFailed:
                worker.State = PooledWorkerState.Checking;
                _processes[worker.Id].Tell(CheckWorkerHealth.Instance);
                break;
            case CheckinOutcome.TimedOut:
                _processes[worker.Id].Tell(new RecycleWorker("no answer within proxy-timeout"));
                worker.State = PooledWorkerState.Starting;
                break;
        }
    }

    private void HandleStarting(WorkerStarting msg)
    {
        _history.Spawned();
        if (_workers.TryGetValue(msg.WorkerId, out var worker))
        {
            worker.Pid = msg.Pid;
            worker.Port = msg.Port;
            worker.StartedAt = DateTimeOffset.UtcNow;
        }
    }

    private void HandleReady(WorkerReady msg)
    {
        if (!_workers.TryGetValue(msg.WorkerId, out var worker) || worker.State != PooledWorkerState.Starting)
        {
            return;
        }
        worker.Incarnation = msg.Incarnation;
        _processes[worker.Id] = Sender;
        worker.Pid = msg.Pid;
        worker.Port = msg.Port;
        worker.ReadySince = DateTimeOffset.UtcNow;
        worker.ServedSinceReady = 0;
        worker.RequestLimit = _recycle.RequestLimit(Random.Shared);
        if (_crashLoop.WorkerReady())
        {
            _log.Info("Worker {0} is ready: the service recovered, requests are served again", worker.Id);
        }
        foreach (var replaced in _workers.Values.Where(w => w.Replacement == worker && w.State is PooledWorkerState.Idle or PooledWorkerState.Starting).ToList())
        {
            Retire(replaced, $"recycled: {replaced.RecycleReason}");
        }
        Release(worker);
        if (!_warm && _workers.Values.Count(w => w.ReadySince is not null) >= _settings.Size)
        {
            _warm = true;
            _log.Info("Pool warm: {0} workers ready", _settings.Size);
            ReplyToWarmWaiters(failure: null);
        }
    }

    private void HandleAwaitWarm()
    {
        if (_warm || _crashLoop.Failure is not null)
        {
            Sender.Tell(new PoolWarm(_warm ? null : _crashLoop.Failure));
        }
        else
        {
            _warmWaiters.Add(Sender);
        }
    }

    private void HandleHealthy(WorkerHealthy msg)
    {
        if (_workers.TryGetValue(msg.WorkerId, out var worker) && worker.State == PooledWorkerState.Checking)
        {
            Release(worker);
        }
    }

    private void HandleStopped(WorkerStopped msg)
    {
        if (!_workers.TryGetValue(msg.WorkerId, out var worker))
        {
            return;
        }
        _history.Stopped(msg, DateTimeOffset.UtcNow);
        if (msg.Exit is not null)
        {
            worker.LastExit = msg.Exit.ToString();
        }
        if (worker.State == PooledWorkerState.Retiring || msg.Incarnation < worker.Incarnation)
        {
            return;
        }
        if (!msg.WasReady && msg.Cause is StopCause.Exited or StopCause.FailedToStart)
        {
            CountStartFailure(msg);
        }
        worker.Restarts++;
        RemoveFromIdle(worker);
        worker.State = PooledWorkerState.Starting;
        worker.Incarnation = msg.Incarnation;
        worker.ReadySince = null;
    }

    /// <summary>
    /// Workers dying before they are ready, again and again, with none ready: fail fast with the cause
    /// rather than let requests wait for a worker that will not come. Logged once; the supervisors go
    /// on retrying with their backoff, and the first ready worker ends it.
    /// </summary>
    private void CountStartFailure(WorkerStopped msg)
    {
        if (!_crashLoop.StartFailed(msg, _workers.Values.Any(w => w.ReadySince is not null), DateTimeOffset.UtcNow))
        {
            return;
        }
        var failure = _crashLoop.Failure!;
        _log.Error("Failing fast: {0}", failure);
        foreach (var waiter in _waiting)
        {
            waiter.Reply.TrySetException(new CheckoutRejectedException(CheckoutRejection.ServiceFailing, failure));
        }
        _waiting.Clear();
        ReplyToWarmWaiters(failure);
    }

    private void ReplyToWarmWaiters(string? failure)
    {
        _warmWaiters.ForEach(waiter => waiter.Tell(new PoolWarm(failure)));
        _warmWaiters.Clear();
    }

    private void HandleSlotTerminated(Terminated msg)
    {
        if (!_bySlot.Remove(msg.ActorRef, out var worker))
        {
            return;
        }
        _workers.Remove(worker.Id);
        RemoveFromIdle(worker);
        if (Stopping)
        {
            if (_workers.Count == 0)
            {
                _stopRequester!.Tell(PoolStopped.Instance);
            }
            return;
        }
        if (worker.State != PooledWorkerState.Retiring)
        {
            _log.Error("Worker slot {0} terminated unexpectedly; starting a replacement", worker.Id);
            if (ActiveCount < _settings.Size)
            {
                StartSlot();
            }
        }
    }

    private void HandleReconfigure(Reconfigure msg)
    {
        _settings = msg.Pool;
        _slotProps = msg.SlotProps;
        _recycle = new RecyclePolicy(msg.Recycle);
        _crashLoop = new CrashLoopDetector(msg.Pool.CrashLoop);
        StartRecycleTimer();
        if (msg.RollWorkers)
        {
            _generation++;
            _log.Info("Configuration reloaded: replacing {0} workers one at a time", _workers.Values.Count(w => w.State != PooledWorkerState.Retiring));
        }
        else
        {
            _log.Info("Configuration reloaded: size {0}, max-overflow {1}, strategy {2}", _settings.Size, _settings.MaxOverflow, _settings.Strategy);
        }
        while (ActiveCount < _settings.Size)
        {
            StartSlot();
        }
        RetireIdleSurplus();
        RollNext();
    }

    /// <summary>Marks the next worker of an older configuration for replacement, once the previous one is done.</summary>
    private void RollNext()
    {
        var old = _workers.Values.Where(w => w.Generation < _generation && w.State != PooledWorkerState.Retiring).ToList();
        if (old.Count == 0 || old.Any(w => w.RecycleReason is not null))
        {
            return;
        }
        var next = old.OrderBy(w => w.Id).First();
        MarkForRecycling(next, Reloaded);
        if (next.State == PooledWorkerState.Idle && next.Replacement is null)
        {
            Retire(next, $"recycled: {Reloaded}");
        }
    }

    private void StartRecycleTimer()
    {
        Timers.Cancel(RecycleCheck.Instance);
        if (_recycle.Enabled)
        {
            Timers.StartPeriodicTimer(RecycleCheck.Instance, RecycleCheck.Instance, _recycle.CheckInterval);
        }
    }

    private void HandleStopPool()
    {
        _stopRequester = Sender;
        foreach (var waiter in _waiting)
        {
            waiter.Reply.TrySetException(new CheckoutRejectedException(CheckoutRejection.ShuttingDown, "the multiplexer is shutting down"));
        }
        _waiting.Clear();
        if (_workers.Count == 0)
        {
            Sender.Tell(PoolStopped.Instance);
            return;
        }
        _log.Info("Stopping {0} workers", _workers.Count);
        foreach (var worker in _workers.Values)
        {
            worker.State = PooledWorkerState.Retiring;
            Context.Stop(_slots[worker.Id]);
        }
    }

    /// <summary>A worker is free: the longest-waiting live request gets it, otherwise it goes idle.</summary>
    private void Release(PooledWorker worker)
    {
        if (_recycle.Enabled && worker.RecycleReason is null)
        {
            MarkForRecycling(worker, _recycle.Reason(worker, DateTimeOffset.UtcNow, rssBytes: null));
        }
        if (worker.RecycleReason is not null && (worker.Replacement is null || worker.Replacement.ReadySince is not null || !_workers.ContainsKey(worker.Replacement.Id)))
        {
            Retire(worker, $"recycled: {worker.RecycleReason}");
            StartOverflowIfNeeded();
            return;
        }
        while (_waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            if (Grant(worker, first.Value))
            {
                return;
            }
        }
        MakeIdle(worker);
        RetireIdleSurplus();
    }

    private bool Grant(PooledWorker worker, Checkout checkout)
    {
        var lease = new WorkerLease(worker.Id, worker.Port!.Value, _nextLease++);
        worker.State = PooledWorkerState.Busy;
        worker.LeaseId = lease.LeaseId;
        return checkout.Reply.TrySetResult(lease);
    }

    private void MakeIdle(PooledWorker worker)
    {
        worker.State = PooledWorkerState.Idle;
        worker.IdleSince = DateTimeOffset.UtcNow;
        worker.IdleNode = _idle.AddLast(worker);
    }

    private void RemoveFromIdle(PooledWorker worker)
    {
        if (worker.IdleNode is { } node)
        {
            _idle.Remove(node);
            worker.IdleNode = null;
        }
    }

    /// <summary>Starts temporary workers while live requests wait for more workers than are already starting.</summary>
    private void StartOverflowIfNeeded()
    {
        if (ActiveCount >= _settings.MaxWorkers)
        {
            return;
        }
        var starting = _workers.Values.Count(w => w.State == PooledWorkerState.Starting);
        var wanted = PurgeAbandonedWaiters() - starting;
        while (wanted-- > 0 && ActiveCount < _settings.MaxWorkers)
        {
            var id = StartSlot();
            _log.Info("All workers busy with {0} waiting: started temporary worker {1} ({2} of {3})", _waiting.Count, id, ActiveCount, _settings.MaxWorkers);
        }
    }

    /// <summary>
    /// Once more than <c>size</c> workers are idle (the burst is over) and have idled for
    /// overflow-idle-timeout, retires the surplus: fifo the oldest started (services that leak memory
    /// give way to fresh ones), lifo the newest. Under sustained load nothing is retired, so no churn.
    /// </summary>
    private void RetireIdleSurplus()
    {
        var now = DateTimeOffset.UtcNow;
        while (ActiveCount > _settings.Size && _idle.Count > _settings.Size)
        {
            var eligible = _idle.Where(w => now - w.IdleSince >= _settings.OverflowIdleTimeout);
            var candidate = eligible.FirstOrDefault(w => w.RecycleReason is not null)
                ?? (_settings.Strategy == PoolStrategy.Fifo ? eligible.MinBy(w => w.ReadySince) : eligible.MaxBy(w => w.ReadySince));
            if (candidate is null)
            {
                ScheduleNextRetirement(now);
                return;
            }
            Retire(candidate, candidate.RecycleReason is { } reason
                ? $"recycled: {reason}"
                : $"{_settings.Strategy.ToString().ToLowerInvariant()}: {ActiveCount} workers for size {_settings.Size}");
        }
    }

    private void ScheduleNextRetirement(DateTimeOffset now)
    {
        if (_idle.Count == 0)
        {
            return;
        }
        var due = _idle.Min(w => w.IdleSince) + _settings.OverflowIdleTimeout - now;
        Timers.StartSingleTimer(RetireTick.Instance, RetireTick.Instance, due > TimeSpan.Zero ? due : TimeSpan.Zero);
    }

    private void Retire(PooledWorker worker, string reason)
    {
        RemoveFromIdle(worker);
        worker.State = PooledWorkerState.Retiring;
        _history.Retired();
        _log.Info("Retiring worker {0} (pid {1}, port {2}): {3}", worker.Id, worker.Pid, worker.Port, reason);
        Context.Stop(_slots[worker.Id]);
        if (!Stopping)
        {
            RollNext();
        }
    }

    /// <summary>
    /// Marks a worker to give way to a fresh one. When the pool would drop below size without it, a
    /// replacement starts first, and the worker keeps serving until the replacement is ready.
    /// </summary>
    private void MarkForRecycling(PooledWorker worker, string? reason)
    {
        if (reason is null || worker.RecycleReason is not null)
        {
            return;
        }
        worker.RecycleReason = reason;
        var staying = _workers.Values.Count(w => w.State != PooledWorkerState.Retiring && w.RecycleReason is null);
        if (staying < _settings.Size)
        {
            worker.Replacement = _workers[StartSlot()];
            _log.Info("Worker {0} is to be recycled ({1}); worker {2} starts to take its place", worker.Id, reason, worker.Replacement.Id);
        }
        else
        {
            _log.Info("Worker {0} is to be recycled ({1})", worker.Id, reason);
        }
    }

    /// <summary>The periodic check for what only time reveals: lifetime, and memory grown by the worker's own doing.</summary>
    private void CheckForRecycling()
    {
        var now = DateTimeOffset.UtcNow;
        var ready = _workers.Values.Where(w => w.ReadySince is not null && w.Pid is not null && w.RecycleReason is null).ToList();
        var rss = _recycle.WatchesMemory ? ProcessGroupMemory.RssBytes([.. ready.Select(w => w.Pid!.Value)]) : null;
        foreach (var worker in ready)
        {
            MarkForRecycling(worker, _recycle.Reason(worker, now, rss?.GetValueOrDefault(worker.Pid!.Value)));
            if (worker.RecycleReason is not null && worker.State == PooledWorkerState.Idle && (worker.Replacement is null || worker.Replacement.ReadySince is not null))
            {
                Retire(worker, $"recycled: {worker.RecycleReason}");
            }
        }
    }

    private int StartSlot()
    {
        var id = _nextId++;
        var slot = Context.ActorOf(_slotProps(id, Self), $"worker-{id}");
        Context.Watch(slot);
        var worker = new PooledWorker(id, _generation);
        _slots[id] = slot;
        _workers[id] = worker;
        _bySlot[slot] = worker;
        return id;
    }

    /// <summary>Drops waiters whose askers gave up; returns how many live ones remain.</summary>
    private int PurgeAbandonedWaiters()
    {
        for (var node = _waiting.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Reply.Task.IsCompleted)
            {
                _waiting.Remove(node);
            }
            node = next;
        }
        return _waiting.Count;
    }

    private PoolStatus Status()
    {
        PurgeAbandonedWaiters();
        var workers = _workers.Values
            .OrderBy(w => w.Id)
            .Select(w => new WorkerStatus(w.Id, w.State.ToString().ToLowerInvariant(), w.Pid, w.Port, w.StartedAt, w.Served, w.Restarts, w.LastExit))
            .ToList();
        return new PoolStatus(_settings.Size, _settings.MaxOverflow, _settings.Strategy,
            workers.Count(w => w.State == "idle"), workers.Count(w => w.State == "busy"), workers.Count(w => w.State == "starting"),
            _waiting.Count, workers, _history.Counters, _history.RecentExits)
        {
            Failure = _crashLoop.Failure,
        };
    }

    private sealed record RecycleCheck
    {
        public static RecycleCheck Instance { get; } = new();
    }

    private sealed record RetireTick
    {
        public static RetireTick Instance { get; } = new();
    }
}
