namespace Multiplexer.Actors.Processes;

/// <summary>A process killed because it was left over from an earlier run.</summary>
public sealed record StaleProcess(int Pid, string CommandLine);
