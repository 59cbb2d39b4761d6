namespace Multiplexer.Host.Hosting;

internal static partial class HostLog
{
    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Killed stale worker left from an earlier run: pid {Pid}: {CommandLine}")]
    public static partial void KilledStaleProcess(ILogger logger, int pid, string commandLine);
}
