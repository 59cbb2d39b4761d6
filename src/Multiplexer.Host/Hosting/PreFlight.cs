using Multiplexer.Actors.Config;
using Multiplexer.Actors.Ports;
using Multiplexer.Actors.Processes;

namespace Multiplexer.Host.Hosting;

/// <summary>
/// What must hold before the host starts: processes left over from an earlier run are killed (they may
/// hold ports of the range), then at least <c>size</c> ports of the range must be free.
/// </summary>
internal sealed partial class PreFlight(MultiplexerSettings settings, string owner, IPortProbe ports, ILogger log)
{
    /// <summary>Null when the host may start, else the one line that says why not.</summary>
    public string? Run()
    {
        foreach (var stale in StaleProcessKiller.Kill(settings.Service.KillPattern, owner))
        {
            KilledStaleProcess(log, stale.Pid, stale.CommandLine);
        }
        return TooFewFreePorts();
    }

    public string? TooFewFreePorts()
    {
        var range = settings.Service.PortRange;
        var size = settings.Pool.Size;
        var free = Enumerable.Range(range.First, range.Count).Count(port => !ports.IsListening(port));
        return free < size
            ? $"multiplexer: multiplexer.service.port-range: only {free} of the {range.Count} ports in {range} are free, fewer than size = {size}; other processes listen on the rest"
            : null;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Killed stale worker left from an earlier run: pid {Pid}: {CommandLine}")]
    private static partial void KilledStaleProcess(ILogger logger, int pid, string commandLine);
}
