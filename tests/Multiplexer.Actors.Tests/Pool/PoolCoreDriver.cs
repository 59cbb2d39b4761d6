using Microsoft.Extensions.Time.Testing;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Multiplexer.Actors.Processes;
using Multiplexer.Actors.Workers;

namespace Multiplexer.Actors.Tests.Pool;

/// <summary>
/// Drives a <see cref="PoolCore"/> the way <see cref="PoolActor"/> does, with no actor and no real time:
/// grants complete the request's reply (a reply already completed gives the lease back), rejections
/// fail it, and everything else decided is recorded for the spec to look at. Workers play their part
/// through <see cref="Ready"/>, <see cref="Stop"/> and <see cref="Terminate"/>.
/// </summary>
internal sealed class PoolCoreDriver
{
    private readonly HashSet<int> _readied = [];
    private readonly SteppableWallClock _wallClock;

    public PoolCoreDriver(PoolSettings settings, RecycleSettings? recycle = null, Random? random = null)
    {
        _wallClock = new SteppableWallClock(Clock);
        Core = new PoolCore(settings, recycle ?? RecycleSettings.Off, _wallClock, random);
        Apply(Core.Start());
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    public PoolCore Core { get; }

    /// <summary>Every decision so far, in order.</summary>
    public List<PoolDecision> Decisions { get; } = [];

    /// <summary>Worker ids whose slots were started, in order.</summary>
    public List<int> Started { get; } = [];

    /// <summary>Worker ids whose slots were stopped, in order.</summary>
    public List<int> Stopped { get; } = [];

    public List<string> Log { get; } = [];

    public DateTimeOffset? RetirementCheckAt { get; private set; }

    public DateTimeOffset? SlowCheckAt { get; private set; }

    /// <summary>How many times a slow-request check was scheduled: the timer operations the requests cost.</summary>
    public int SlowChecksScheduled { get; private set; }

    public DateTimeOffset? ExpiryCheckAt { get; private set; }

    /// <summary>How many times a checkout-timeout check was scheduled: the timer operations the requests cost.</summary>
    public int ExpiryChecksScheduled { get; private set; }

    public IReadOnlyList<int>? MemoryScanFor { get; private set; }

    public PoolStatus Status => Core.Status();

    public void Apply(IReadOnlyList<PoolDecision> decisions)
    {
        foreach (var decision in decisions)
        {
            Decisions.Add(decision);
            switch (decision)
            {
                case StartSlot start:
                    Started.Add(start.WorkerId);
                    break;
                case StopSlot stop:
                    Stopped.Add(stop.WorkerId);
                    break;
                case GrantLease grant when !grant.Reply.TrySetResult(grant.Lease):
                    Apply(Core.Unclaimed(grant.Lease));
                    break;
                case RejectCheckout reject:
                    reject.Reply.TrySetException(new CheckoutRejectedException(reject.Reason, reject.Message));
                    break;
                case ScheduleRetirementCheck check:
                    RetirementCheckAt = check.At;
                    break;
                case ScheduleSlowCheck check:
                    SlowCheckAt = check.At;
                    SlowChecksScheduled++;
                    break;
                case ScheduleExpiryCheck check:
                    ExpiryCheckAt = check.At;
                    ExpiryChecksScheduled++;
                    break;
                case ScanMemory scan:
                    MemoryScanFor = scan.ProcessGroups;
                    break;
                case PoolLog log:
                    Log.Add(log.ToString());
                    break;
            }
        }
    }

    /// <summary>The worker's incarnation starts and becomes ready, with <see cref="Pid"/>, <see cref="Pgid"/> and port 20000 + id.</summary>
    public void Ready(int id, int incarnation = 1)
    {
        _readied.Add(id);
        Apply(Core.Started(new WorkerStarting(id, incarnation, Pid(id, incarnation), 20_000 + id, Pgid(id, incarnation))));
        Apply(Core.Ready(new WorkerReady(id, incarnation, Pid(id, incarnation), 20_000 + id, Pgid(id, incarnation))));
    }

    public static int Pid(int id, int incarnation = 1) => 1000 + (id * 10) + incarnation;

    /// <summary>The process group, led by the worker's shell rather than by the service.</summary>
    public static int Pgid(int id, int incarnation = 1) => 2000 + (id * 10) + incarnation;

    public static PoolSettings Settings(int size = 1, int maxOverflow = 0, PoolStrategy strategy = PoolStrategy.Fifo, int maxWaiting = 100,
        TimeSpan? overflowIdleTimeout = null, int minSpare = 0, TimeSpan? slowRequest = null, TimeSpan? checkoutTimeout = null) =>
        new(size, maxOverflow, strategy, checkoutTimeout ?? TimeSpan.FromSeconds(30), maxWaiting, overflowIdleTimeout ?? TimeSpan.Zero)
        {
            MinSpare = minSpare,
            SlowRequest = slowRequest ?? TimeSpan.Zero,
        };

    /// <summary>Readies every slot started so far and not readied yet.</summary>
    public void ReadyAll()
    {
        foreach (var id in Started.Except(_readied).Except(Stopped).ToList())
        {
            Ready(id);
        }
    }

    public void Stop(int id, int incarnation = 1, StopCause cause = StopCause.Exited, bool wasReady = true) =>
        Apply(Core.Stopped(new WorkerStopped(id, incarnation, cause, "exited with exit code 1", new ExitStatus(1), wasReady, ["boom"])));

    public void Terminate(int id) => Apply(Core.SlotTerminated(id));

    public Task<WorkerLease> Checkout(string method = "GET", string target = "/")
    {
        var reply = new TaskCompletionSource<WorkerLease>(TaskCreationOptions.RunContinuationsAsynchronously);
        Apply(Core.Checkout(new Checkout(reply, method, target)));
        return reply.Task;
    }

    /// <summary>A checkout that must be granted at once.</summary>
    public WorkerLease Lease(string method = "GET", string target = "/") => Granted(Checkout(method, target));

    /// <summary>The lease a checkout was granted; it must have been already.</summary>
    public static WorkerLease Granted(Task<WorkerLease> checkout) =>
        checkout.IsCompletedSuccessfully ? checkout.Result : throw new InvalidOperationException($"the checkout was not granted: {checkout.Status}");

    public void Checkin(WorkerLease lease, CheckinOutcome outcome = CheckinOutcome.Completed, int status = 200, TimeSpan workerTime = default) =>
        Apply(Core.Checkin(new Checkin(lease, outcome, status, workerTime)));

    /// <summary>Serves one request on whichever worker the pool lends.</summary>
    public int Serve()
    {
        var lease = Lease();
        Checkin(lease);
        return lease.WorkerId;
    }

    /// <summary>Moves the clock on, running the retirement, slow-request and checkout-timeout checks as their timers would when they come due.</summary>
    public void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        while (RetirementCheckAt is { } due && due <= Clock.GetUtcNow())
        {
            RetirementCheckAt = null;
            Apply(Core.RetirementDue());
        }
        while (SlowCheckAt is { } due && due <= Clock.GetUtcNow())
        {
            SlowCheckAt = null;
            Apply(Core.SlowCheckDue());
        }
        while (ExpiryCheckAt is { } due && due <= Clock.GetUtcNow())
        {
            ExpiryCheckAt = null;
            Apply(Core.ExpiryCheckDue());
        }
    }

    public int Count<T>()
        where T : PoolDecision => Decisions.OfType<T>().Count();

    /// <summary>Steps the wall clock the core reads, as an NTP correction would, without moving monotonic time or the timers.</summary>
    public void StepWallClock(TimeSpan by) => _wallClock.Step += by;

    /// <summary>The fake clock, with a wall clock that can step on its own.</summary>
    private sealed class SteppableWallClock(FakeTimeProvider time) : TimeProvider
    {
        public TimeSpan Step { get; set; }

        public override DateTimeOffset GetUtcNow() => time.GetUtcNow() + Step;

        public override long GetTimestamp() => time.GetTimestamp();

        public override long TimestampFrequency => time.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            time.CreateTimer(callback, state, dueTime, period);
    }
}
