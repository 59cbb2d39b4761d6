using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Ports;
using Multiplexer.Actors.Processes;

// Workers/: the actors of one worker slot. A supervisor restarts the slot's WorkerActor with backoff; the
// actor owns one process, with its readiness probe and output pipeline beside it; WorkerProtocol, their messages.

namespace Multiplexer.Actors.Workers;

/// <summary>
/// Owns one worker process, as an Erlang Port owns its OS process: takes a port from the ring,
/// starts the process, drains and logs its output, decides when it is ready, and stops itself when
/// the process exits. Its supervisor starts a new one; nothing here restarts anything.
/// </summary>
public sealed class WorkerActor : ReceiveActor, IWithTimers
{
    private const int ErrorLinesKept = 5;
    private static readonly TimeSpan OutputDrainGrace = TimeSpan.FromMilliseconds(200);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly int _id;
    private readonly int _incarnation;
    private readonly ServiceSettings _settings;
    private readonly IActorRef _pool;
    private readonly IActorRef _ports;
    private readonly WorkerProcessLauncher _launcher;
    private int _port;
    private WorkerProcess? _process;
    private readonly Queue<string> _lastErrors = new();
    private ExitStatus? _exit;
    private bool _stopReported;
    private bool _ready;
    private bool _outputDrained;

    public WorkerActor(int id, int incarnation, ServiceSettings settings, IActorRef pool, IActorRef ports, WorkerProcessLauncher launcher)
    {
        _id = id;
        _incarnation = incarnation;
        _settings = settings;
        _pool = pool;
        _ports = ports;
        _launcher = launcher;
        AwaitingPort();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(int id, int incarnation, ServiceSettings settings, IActorRef pool, IActorRef ports, WorkerProcessLauncher launcher) =>
        Akka.Actor.Props.Create(() => new WorkerActor(id, incarnation, settings, pool, ports, launcher));

    protected override void PreStart()
    {
        Timers.StartSingleTimer(ReadyTimedOut.Instance, ReadyTimedOut.Instance, _settings.ReadyTimeout);
        _ports.Tell(new AcquirePort(_id));
    }

    protected override void PostStop()
    {
        if (_process is { } process)
        {
            var ports = _ports;
            var port = _port;
            // The port goes back only once nothing of the worker can still be listening on it.
            process.StopAsync(_settings.StopTimeout).ContinueWith(_ => ports.Tell(new ReleasePort(port)), TaskScheduler.Default);
        }
        else if (_port != 0)
        {
            _ports.Tell(new ReleasePort(_port));
        }
        if (!_stopReported)
        {
            _pool.Tell(new WorkerStopped(_id, _incarnation, StopCause.Stopped, "stopped", _exit, _ready, [.. _lastErrors]));
        }
    }

    private void AwaitingPort()
    {
        Receive<PortGranted>(msg =>
        {
            _port = msg.Port;
            var launch = new WorkerLaunch(_id, _port, _settings.StartCmd.Replace("%PORT%", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
                _settings.WorkingDirectory, _settings.Environment);
            _launcher.LaunchAsync(launch).PipeTo(Self, success: p => new ProcessLaunched(p), failure: ex => new LaunchFailed(ex));
            Become(Launching);
        });
        Receive<NoPortFree>(msg => StopWorker(StopCause.FailedToStart, $"no port to start on: {msg.Reason}"));
        Receive<ReadyTimedOut>(_ => StopWorker(StopCause.FailedToStart, $"no port within ready-timeout {_settings.ReadyTimeout}"));
    }

    private void Launching()
    {
        Receive<ProcessLaunched>(msg =>
        {
            _process = msg.Process;
            _log.Info("Worker {WorkerId} started: pid {Pid}, port {Port}: {Command}", _id, _process.Pid, _port, _process.Launch.Command);
            _pool.Tell(new WorkerStarting(_id, _incarnation, _process.Pid, _port, _process.Pgid));
            DrainOutput(_process);
            _process.Exited.PipeTo(Self, success: status => new ProcessExited(status));
            if (_settings.StartDelay.Fixed is { } delay)
            {
                Timers.StartSingleTimer(StartDelayElapsed.Instance, StartDelayElapsed.Instance, delay);
            }
            Become(Starting);
        });
        Receive<LaunchFailed>(msg => StopWorker(StopCause.FailedToStart, $"could not start '{_settings.StartCmd}': {msg.Error.Message}"));
        Receive<ReadyTimedOut>(_ => StopWorker(StopCause.FailedToStart, $"not started within ready-timeout {_settings.ReadyTimeout}"));
    }

    private void Starting()
    {
        Receive<FirstOutput>(_ => ProbeUntilAccepting());
        Receive<PortProbed>(msg =>
        {
            if (msg.Accepting)
            {
                BecomeReady();
            }
        });
        Receive<StartDelayElapsed>(_ => BecomeReady());
        Receive<ReadyTimedOut>(_ =>
        {
            _log.Warning("Worker {WorkerId} (pid {Pid}, port {Port}) not ready within {ReadyTimeout}: killing it", _id, _process!.Pid, _port, _settings.ReadyTimeout);
            StopWorker(StopCause.FailedToStart, $"not ready within ready-timeout {_settings.ReadyTimeout}");
        });
        ReceiveExit();
    }

    private void Ready()
    {
        Receive<CheckWorkerHealth>(_ => Probe());
        Receive<PortProbed>(msg =>
        {
            if (msg.Accepting)
            {
                _pool.Tell(new WorkerHealthy(_id, _incarnation));
            }
            else
            {
                _log.Warning("Worker {WorkerId} (pid {Pid}) no longer accepts connections on port {Port}: recycling it", _id, _process!.Pid, _port);
                StopWorker(StopCause.Recycled, "stopped accepting connections");
            }
        });
        Receive<RecycleWorker>(msg =>
        {
            _log.Warning("Worker {WorkerId} (pid {Pid}, port {Port}) recycled: {Reason}", _id, _process!.Pid, _port, msg.Reason);
            StopWorker(StopCause.Recycled, $"recycled: {msg.Reason}");
        });
        Receive<FirstOutput>(_ => { });
        ReceiveExit();
    }

    private void ReceiveExit()
    {
        Receive<ErrorOutput>(msg => KeepErrorLine(msg.Line));
        Receive<OutputDrained>(_ => _outputDrained = true);
        Receive<ProcessExited>(msg =>
        {
            _exit = msg.Status;
            _log.Warning("Worker {WorkerId} (pid {Pid}, port {Port}) exited: {ExitStatus}", _id, _process!.Pid, _port, msg.Status);
            if (_outputDrained)
            {
                StopWorker(StopCause.Exited, $"exited with {msg.Status}");
                return;
            }
            // Its last words may still be in the pipes: they usually say why it died.
            Timers.StartSingleTimer(OutputDrained.Instance, OutputDrained.Instance, OutputDrainGrace);
            Become(Exiting);
        });
    }

    private void Exiting()
    {
        Receive<ErrorOutput>(msg => KeepErrorLine(msg.Line));
        Receive<OutputDrained>(_ => StopWorker(StopCause.Exited, $"exited with {_exit}"));
    }

    private void KeepErrorLine(string line)
    {
        _lastErrors.Enqueue(line.Length > 300 ? line[..300] + "…" : line);
        if (_lastErrors.Count > ErrorLinesKept)
        {
            _lastErrors.Dequeue();
        }
    }

    private void BecomeReady()
    {
        Timers.CancelAll();
        _ready = true;
        _log.Info("Worker {WorkerId} ready: pid {Pid}, port {Port}, {ReadyMs:F0} ms after start", _id, _process!.Pid, _port, (DateTimeOffset.UtcNow - _process.StartedAt).TotalMilliseconds);
        _pool.Tell(new WorkerReady(_id, _incarnation, _process.Pid, _port, _process.Pgid));
        Become(Ready);
    }

    /// <summary>Tells the pool at once, so no request is sent to this worker while the actor winds down.</summary>
    private void StopWorker(StopCause cause, string reason)
    {
        _pool.Tell(new WorkerStopped(_id, _incarnation, cause, reason, _exit, _ready, [.. _lastErrors]));
        _stopReported = true;
        Context.Stop(Self);
    }

    private void Probe() =>
        WorkerReadiness.AcceptsConnectionAsync(_settings.BaseUrl.IdnHost, _port).PipeTo(Self, success: ok => new PortProbed(ok));

    /// <summary>The ready timer stops the worker if its port never accepts.</summary>
    private void ProbeUntilAccepting() =>
        WorkerReadiness.WaitUntilAcceptingAsync(_settings.BaseUrl.IdnHost, _port, DateTimeOffset.UtcNow + _settings.ReadyTimeout)
            .PipeTo(Self, success: ok => new PortProbed(ok));

    private void DrainOutput(WorkerProcess process)
    {
        var self = Self;
        WorkerOutput.Drain(_id, process, _log, Context.Materializer(), () => self.Tell(FirstOutput.Instance), line => self.Tell(new ErrorOutput(line)))
            .ContinueWith(_ => self.Tell(OutputDrained.Instance), TaskScheduler.Default);
    }

    private sealed record ProcessLaunched(WorkerProcess Process);

    private sealed record LaunchFailed(Exception Error);

    private sealed record ProcessExited(ExitStatus Status);

    private sealed record PortProbed(bool Accepting);

    private sealed record ErrorOutput(string Line);

    private sealed record OutputDrained
    {
        public static OutputDrained Instance { get; } = new();
    }

    private sealed record FirstOutput
    {
        public static FirstOutput Instance { get; } = new();
    }

    private sealed record StartDelayElapsed
    {
        public static StartDelayElapsed Instance { get; } = new();
    }

    private sealed record ReadyTimedOut
    {
        public static ReadyTimedOut Instance { get; } = new();
    }
}
