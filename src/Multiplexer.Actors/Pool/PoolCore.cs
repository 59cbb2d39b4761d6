using Multiplexer.Actors.Config;

namespace Multiplexer.Actors.Pool;

/// <summary>
/// The pool's state and every decision about it, with no actor in it: the workers by id, the idle list,
/// the wait queue, leases, overflow and retirement, recycling, crash-loop and stop. Each call takes one
/// event and returns what to do about it (<see cref="PoolDecision"/>s); time comes from the clock given.
/// <see cref="PoolActor"/> is its only user and owner. This file is the request path, checkout to check-in;
/// the lifecycle, the surplus, recycling, the requests on the workers and the waiting ones' timeout have a file each.
/// </summary>
internal sealed partial class PoolCore
{
    private const string ShuttingDown = "the multiplexer is shutting down";

    private readonly TimeProvider _clock;
    private readonly Random _random;
    private readonly Dictionary<int, PooledWorker> _workers = [];
    private readonly IdleWorkers _idle = new();
    private readonly WaitQueue _waiting = new();
    private readonly PoolHistory _history = new();
    private PoolSettings _settings;
    private RecyclePolicy _recycle;
    private CrashLoopDetector _crashLoop;
    private List<PoolDecision>? _decisions;
    private int _nextId = 1;
    private long _nextLease = 1;

    /// <param name="random">Draws each worker's max-requests jitter.</param>
    public PoolCore(PoolSettings settings, RecycleSettings recycle, TimeProvider clock, Random? random = null)
    {
        _settings = settings;
        _recycle = new RecyclePolicy(recycle);
        _crashLoop = new CrashLoopDetector(settings.CrashLoop);
        _clock = clock;
        _random = random ?? Random.Shared;
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>Workers that count against size + max-overflow: all but those on their way out.</summary>
    private int ActiveCount => _workers.Count - _workers.Values.Count(w => w.State == PooledWorkerState.Retiring);

    /// <summary>A request wants a worker of its own: the next idle one by strategy, else a place in the queue.</summary>
    public IReadOnlyList<PoolDecision> Checkout(Checkout request)
    {
        var reply = request.Reply;
        if (reply.Task.IsCompleted)
        {
            // It gave up before its turn came.
            return Decided();
        }
        if (_stopping)
        {
            Decide(new RejectCheckout(reply, CheckoutRejection.ShuttingDown, ShuttingDown));
        }
        else if (_crashLoop.Failure is { } failure)
        {
            Decide(new RejectCheckout(reply, CheckoutRejection.ServiceFailing, failure));
        }
        else if (_idle.Take(_settings.Strategy) is { } worker)
        {
            Grant(worker, request);
        }
        else if (_waiting.IsFull(_settings.MaxWaiting))
        {
            Decide(new RejectCheckout(reply, CheckoutRejection.QueueFull,
                $"all {ActiveCount} workers are busy and {_waiting.Count} requests are already waiting (max-waiting)"));
        }
        else
        {
            var atLimit = ActiveCount >= _settings.MaxWorkers;
            _waiting.Enqueue(request, _clock.GetTimestamp());
            _history.Queued(_waiting.LiveCount(), atLimit);
            WatchWaitingRequests();
            StartOverflowIfNeeded();
        }
        StartSparesIfNeeded();
        return Decided();
    }

    /// <summary>A request is done with its worker; <paramref name="outcome"/> says whether the worker can serve again.</summary>
    public IReadOnlyList<PoolDecision> Checkin(Checkin checkin)
    {
        var (lease, outcome) = (checkin.Lease, checkin.Outcome);
        if (Leased(lease) is not { } worker)
        {
            // The worker died or was replaced while the request was out: nothing to give back.
            return Decided();
        }
        worker.Served++;
        worker.ServedSinceReady++;
        _history.Served();
        worker.LastMethod = worker.RequestMethod;
        worker.LastTarget = worker.RequestTarget;
        worker.LastStatus = checkin.Status;
        worker.LastDuration = checkin.WorkerTime;
        worker.LastEndedAt = Now;
        EndRequest(worker);
        switch (outcome)
        {
            case CheckinOutcome.Completed:
                Release(worker);
                break;
            case CheckinOutcome.ConnectionFailed:
                worker.State = PooledWorkerState.Checking;
                Decide(new CheckHealth(worker.Id));
                break;
            case CheckinOutcome.TimedOut:
                // A single-threaded service stuck on a request is useless: its next incarnation serves instead.
                worker.State = PooledWorkerState.Starting;
                Decide(new ReplaceProcess(worker.Id, "no answer within proxy-timeout"));
                break;
        }
        return Decided();
    }

    /// <summary>A granted lease found its request gone (the reply was completed meanwhile): the unused worker is free again.</summary>
    public IReadOnlyList<PoolDecision> Unclaimed(WorkerLease lease)
    {
        if (Leased(lease) is { } worker)
        {
            EndRequest(worker);
            Release(worker);
        }
        return Decided();
    }

    /// <summary>A worker is free: unless it is due for recycling, the longest-waiting live request gets it, otherwise it goes idle.</summary>
    private void Release(PooledWorker worker)
    {
        if (RetireIfRecycled(worker))
        {
            return;
        }
        if (_waiting.TakeLive() is { } request)
        {
            Grant(worker, request);
            return;
        }
        _idle.Add(worker, Now);
        RetireIdleSurplus();
    }

    private void Grant(PooledWorker worker, Checkout request)
    {
        worker.State = PooledWorkerState.Busy;
        worker.LeaseId = _nextLease++;
        worker.RequestMethod = request.Method;
        worker.RequestTarget = request.Target;
        worker.RequestStartedAt = Now;
        worker.RequestWarnedSlow = false;
        Decide(new GrantLease(request.Reply, new WorkerLease(worker.Id, worker.Port!.Value, worker.LeaseId)));
        WatchForSlowRequests();
    }

    private PooledWorker? Leased(WorkerLease lease) =>
        _workers.TryGetValue(lease.WorkerId, out var worker) && worker.State == PooledWorkerState.Busy && worker.LeaseId == lease.LeaseId
            ? worker
            : null;

    private int StartSlot()
    {
        var id = _nextId++;
        _workers[id] = new PooledWorker(id, _generation);
        Decide(new StartSlot(id));
        return id;
    }

    private void Decide(PoolDecision decision) => (_decisions ??= []).Add(decision);

    private void Log(string template, params object?[] args) => Decide(new PoolLog(PoolLogLevel.Info, template, args));

    /// <summary>Hands over what this call decided, and starts afresh for the next.</summary>
    private IReadOnlyList<PoolDecision> Decided()
    {
        var decisions = _decisions ?? (IReadOnlyList<PoolDecision>)[];
        _decisions = null;
        return decisions;
    }
}
