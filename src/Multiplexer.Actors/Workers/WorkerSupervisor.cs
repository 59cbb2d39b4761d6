using Akka.Actor;
using Akka.Event;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Processes;

namespace Multiplexer.Actors.Workers;

/// <summary>
/// One-for-one supervisor of one worker slot: whenever its <see cref="WorkerActor"/> stops (the process
/// exited, never became ready, or was recycled) it starts a new one after an exponential backoff, so a
/// command that dies at once never spins the CPU. The backoff returns to its minimum after a healthy run.
/// Each worker actor it starts is the slot's next incarnation (1, 2, …), which the worker names in every
/// message to the pool. Stopping the supervisor retires the slot.
/// </summary>
public sealed class WorkerSupervisor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly int _id;
    private readonly RestartBackoff _backoff;
    private readonly Func<int, Props> _workerProps;
    private int _crashes;
    private int _incarnation;
    private DateTimeOffset _startedAt;

    public WorkerSupervisor(int id, RestartBackoff backoff, Func<int, Props> workerProps)
    {
        _id = id;
        _backoff = backoff;
        _workerProps = workerProps;
        Receive<Terminated>(_ => ScheduleRestart());
        Receive<RestartWorker>(_ => StartWorker());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // Arguments, not a `() => new WorkerSupervisor(...)` expression: Akka compiles a lambda found among an
    // expression's arguments, which cost about a millisecond per worker started, on the pool actor's path.
    public static Props Props(int id, ServiceSettings settings, IActorRef pool, IActorRef ports, WorkerProcessLauncher launcher) =>
        Akka.Actor.Props.Create<WorkerSupervisor>(id, settings.Restart, (Func<int, Props>)(incarnation => WorkerActor.Props(id, incarnation, settings, pool, ports, launcher)));

    /// <summary>The delay before restart number <paramref name="crashes"/> (1-based): min, 2·min, 4·min, … capped at max.</summary>
    public static TimeSpan Delay(RestartBackoff backoff, int crashes)
    {
        var factor = Math.Pow(2, Math.Min(crashes - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(backoff.Min.Ticks * factor, backoff.Max.Ticks));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(ex =>
        {
            _log.Error(ex, "Worker {WorkerId} failed unexpectedly", _id);
            return Directive.Stop;
        });

    protected override void PreStart() => StartWorker();

    private void StartWorker()
    {
        _startedAt = DateTimeOffset.UtcNow;
        Context.Watch(Context.ActorOf(_workerProps(++_incarnation), "process"));
    }

    private void ScheduleRestart()
    {
        if (DateTimeOffset.UtcNow - _startedAt >= _backoff.ResetAfter)
        {
            _crashes = 0;
        }
        _crashes++;
        var delay = Delay(_backoff, _crashes);
        _log.Info("Worker {WorkerId} restarts in {DelayMs:F0} ms (restart {Restarts} in a row)", _id, delay.TotalMilliseconds, _crashes);
        Timers.StartSingleTimer(RestartWorker.Instance, RestartWorker.Instance, delay);
    }

    private sealed record RestartWorker
    {
        public static RestartWorker Instance { get; } = new();
    }
}
