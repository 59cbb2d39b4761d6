using Akka.Actor;
using Akka.Event;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Processes;
using Multiplexer.Actors.Workers;

namespace Multiplexer.Actors.Pool;

/// <summary>
/// The pool, as an actor: the only owner of the pool's state, which lives in its <see cref="PoolCore"/>.
/// It hands each message to the core and carries out what the core decides: it starts and stops the
/// worker slots (its children, through <c>slotProps</c>: a <see cref="WorkerSupervisor"/> in
/// production), answers checkouts, tells workers to check their health or start afresh, runs the
/// timers on the pool's clock, and measures memory away from its own thread.
/// </summary>
public sealed class PoolActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PoolCore _core;
    private readonly TimeProvider _clock;

    // Where each worker's ready incarnation takes CheckWorkerHealth and RecycleWorker: the sender of its WorkerReady.
    private readonly Dictionary<int, (int Incarnation, IActorRef Actor)> _readyWorkers = [];
    private readonly List<IActorRef> _warmWaiters = [];
    private Func<int, IActorRef, Props> _slotProps;
    private IActorRef? _stopRequester;
    private ITimer? _retirementTimer;
    private ITimer? _recycleTimer;
    private ITimer? _slowTimer;
    private ITimer? _expiryTimer;

    /// <param name="clock">The pool's time: idle and lifetime limits, and its timers; the system clock unless a spec gives a fake.</param>
    public PoolActor(PoolSettings settings, Func<int, IActorRef, Props> slotProps, RecycleSettings? recycle = null, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _core = new PoolCore(settings, recycle ?? RecycleSettings.Off, _clock);
        _slotProps = slotProps;
        Receive<Checkout>(msg => Apply(_core.Checkout(msg)));
        Receive<Checkin>(msg => Apply(_core.Checkin(msg)));
        Receive<WorkerStarting>(msg => Apply(_core.Started(msg)));
        Receive<WorkerReady>(HandleReady);
        Receive<WorkerHealthy>(msg => Apply(_core.Healthy(msg)));
        Receive<WorkerStopped>(msg => Apply(_core.Stopped(msg)));
        Receive<SlotTerminated>(HandleSlotTerminated);
        Receive<RetirementDue>(_ => Apply(_core.RetirementDue()));
        Receive<RecycleDue>(_ => Apply(_core.RecycleCheckDue()));
        Receive<SlowCheckDue>(_ => Apply(_core.SlowCheckDue()));
        Receive<ExpiryCheckDue>(_ => Apply(_core.ExpiryCheckDue()));
        Receive<MemoryScanned>(msg => Apply(_core.MemoryScanned(msg.RssBytes)));
        Receive<GetPoolStatus>(_ => Sender.Tell(_core.Status()));
        Receive<AwaitPoolWarm>(_ => HandleAwaitWarm());
        Receive<Reconfigure>(HandleReconfigure);
        Receive<StopPool>(_ => HandleStopPool());
    }

    public static Props Props(PoolSettings settings, ServiceSettings service, IActorRef ports, WorkerProcessLauncher launcher) =>
        Akka.Actor.Props.Create(() => new PoolActor(settings, SlotFactory(service, ports, launcher), service.Recycle, null));

    /// <summary>How production slots start: a <see cref="WorkerSupervisor"/> over a <see cref="WorkerActor"/>.</summary>
    public static Func<int, IActorRef, Props> SlotFactory(ServiceSettings service, IActorRef ports, WorkerProcessLauncher launcher) =>
        (id, pool) => WorkerSupervisor.Props(id, service, pool, ports, launcher);

    protected override void PreStart() => Apply(_core.Start());

    protected override void PostStop()
    {
        _retirementTimer?.Dispose();
        _recycleTimer?.Dispose();
        _slowTimer?.Dispose();
        _expiryTimer?.Dispose();
        // Stopped or restarting, this pool answers no one any more: the requests waiting on it hear so now.
        Apply(_core.Abandon());
    }

    /// <summary>Carries out the core's decisions in order. A grant whose request has just given up comes straight back.</summary>
    private void Apply(IReadOnlyList<PoolDecision> decisions)
    {
        foreach (var decision in decisions)
        {
            switch (decision)
            {
                case GrantLease grant:
                    if (!grant.Reply.TrySetResult(grant.Lease))
                    {
                        Apply(_core.Unclaimed(grant.Lease));
                    }
                    break;
                case RejectCheckout reject:
                    reject.Reply.TrySetException(new CheckoutRejectedException(reject.Reason, reject.Message));
                    break;
                case StartSlot start:
                    Context.WatchWith(Context.ActorOf(_slotProps(start.WorkerId, Self), SlotName(start.WorkerId)), new SlotTerminated(start.WorkerId));
                    break;
                case StopSlot stop when Context.Child(SlotName(stop.WorkerId)) is var slot && !slot.IsNobody():
                    Context.Stop(slot);
                    break;
                case CheckHealth check when _readyWorkers.TryGetValue(check.WorkerId, out var worker):
                    worker.Actor.Tell(CheckWorkerHealth.Instance);
                    break;
                case ReplaceProcess replace when _readyWorkers.TryGetValue(replace.WorkerId, out var worker):
                    worker.Actor.Tell(new RecycleWorker(replace.Reason));
                    break;
                case ScheduleRetirementCheck check:
                    Reschedule(ref _retirementTimer, RetirementDue.Instance, check.At);
                    break;
                case ScheduleSlowCheck check:
                    Reschedule(ref _slowTimer, SlowCheckDue.Instance, check.At);
                    break;
                case ScheduleExpiryCheck check:
                    Reschedule(ref _expiryTimer, ExpiryCheckDue.Instance, check.At);
                    break;
                case ScheduleRecycleChecks checks:
                    ScheduleRecycleChecks(checks.Interval);
                    break;
                case ScanMemory scan:
                    // Walking /proc takes milliseconds: off the pool's thread, the result comes back as a message.
                    Task.Run(() => ProcessGroupUsage.RssBytes(scan.ProcessGroups))
                        .PipeTo(Self, success: rss => new MemoryScanned(rss), failure: _ => new MemoryScanned(new Dictionary<int, long>()));
                    break;
                case AnswerWarmWaiters answer:
                    _warmWaiters.ForEach(waiter => waiter.Tell(new PoolWarm(answer.Failure)));
                    _warmWaiters.Clear();
                    break;
                case ReportStopped:
                    _stopRequester?.Tell(PoolStopped.Instance);
                    break;
                case PoolLog log:
                    _log.Log(log.Level switch
                    {
                        PoolLogLevel.Error => LogLevel.ErrorLevel,
                        PoolLogLevel.Warning => LogLevel.WarningLevel,
                        _ => LogLevel.InfoLevel,
                    }, log.Template, log.Args);
                    break;
            }
        }
    }

    private void HandleReady(WorkerReady ready)
    {
        if (!_readyWorkers.TryGetValue(ready.WorkerId, out var known) || known.Incarnation <= ready.Incarnation)
        {
            _readyWorkers[ready.WorkerId] = (ready.Incarnation, Sender);
        }
        Apply(_core.Ready(ready));
    }

    private void HandleSlotTerminated(SlotTerminated terminated)
    {
        _readyWorkers.Remove(terminated.WorkerId);
        Apply(_core.SlotTerminated(terminated.WorkerId));
    }

    private void HandleAwaitWarm()
    {
        if (_core.IsWarm || _core.Failure is not null)
        {
            Sender.Tell(new PoolWarm(_core.IsWarm ? null : _core.Failure));
        }
        else
        {
            _warmWaiters.Add(Sender);
        }
    }

    private void HandleReconfigure(Reconfigure reconfigure)
    {
        _slotProps = reconfigure.SlotProps;
        Apply(_core.Reconfigure(reconfigure.Pool, reconfigure.Recycle, reconfigure.RollWorkers));
    }

    private void HandleStopPool()
    {
        _stopRequester = Sender;
        Apply(_core.Stop());
    }

    /// <summary>Sets a one-shot timer (made on first use) to tell the pool <paramref name="message"/> at <paramref name="at"/>; null stops it.</summary>
    private void Reschedule(ref ITimer? timer, object message, DateTimeOffset? at)
    {
        if (at is { } when)
        {
            var due = when - _clock.GetUtcNow();
            timer ??= Timer(message);
            timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        else
        {
            timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void ScheduleRecycleChecks(TimeSpan? interval)
    {
        if (interval is { } every)
        {
            _recycleTimer ??= Timer(RecycleDue.Instance);
            _recycleTimer.Change(every, every);
        }
        else
        {
            _recycleTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>A timer on the pool's clock that tells the pool <paramref name="message"/>; it starts stopped.</summary>
    private ITimer Timer(object message)
    {
        var self = Self;
        return _clock.CreateTimer(_ => self.Tell(message), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private static string SlotName(int workerId) => $"worker-{workerId}";

    private sealed record SlotTerminated(int WorkerId);

    private sealed record MemoryScanned(IReadOnlyDictionary<int, long> RssBytes);

    private sealed record RetirementDue
    {
        public static RetirementDue Instance { get; } = new();
    }

    private sealed record SlowCheckDue
    {
        public static SlowCheckDue Instance { get; } = new();
    }

    private sealed record ExpiryCheckDue
    {
        public static ExpiryCheckDue Instance { get; } = new();
    }

    private sealed record RecycleDue
    {
        public static RecycleDue Instance { get; } = new();
    }
}
