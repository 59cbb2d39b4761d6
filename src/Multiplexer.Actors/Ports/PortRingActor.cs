using Akka.Actor;
using Akka.Event;
using Multiplexer.Actors.Config;

namespace Multiplexer.Actors.Ports;

/// <summary>
/// Hands out ports round-robin over the configured range: never one held by a live worker,
/// never one that something else listens on. Round-robin rather than lowest-free so that a
/// restarted worker lands on a fresh port, away from connections lingering on its old one.
/// </summary>
public sealed class PortRingActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PortRange _range;
    private readonly IPortProbe _probe;
    private readonly HashSet<int> _held = [];
    private int _next;

    public PortRingActor(PortRange range, IPortProbe probe)
    {
        _range = range;
        _probe = probe;
        _next = range.First;
        Receive<AcquirePort>(Handle);
        Receive<ReleasePort>(msg => _held.Remove(msg.Port));
    }

    public static Props Props(PortRange range, IPortProbe probe) =>
        Akka.Actor.Props.Create(() => new PortRingActor(range, probe));

    private void Handle(AcquirePort msg)
    {
        var busyElsewhere = 0;
        for (var tried = 0; tried < _range.Count; tried++)
        {
            var port = _next;
            _next = port == _range.Last ? _range.First : port + 1;
            if (_held.Contains(port))
            {
                continue;
            }
            if (_probe.IsListening(port))
            {
                busyElsewhere++;
                _log.Warning("Port {Port} is in use by another process; skipping it for worker {WorkerId}", port, msg.WorkerId);
                continue;
            }
            _held.Add(port);
            Sender.Tell(new PortGranted(port));
            return;
        }

        var reason = $"no free port in {_range}: {_held.Count} held by workers, {busyElsewhere} in use by other processes";
        _log.Error("Worker {WorkerId} cannot start: {Reason}", msg.WorkerId, reason);
        Sender.Tell(new NoPortFree(reason));
    }
}
