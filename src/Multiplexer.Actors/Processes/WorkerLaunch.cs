namespace Multiplexer.Actors.Processes;

/// <summary>What to run for one worker: the shell command with its port filled in, where, and with which extra variables.</summary>
public sealed record WorkerLaunch(
    int WorkerId,
    int Port,
    string Command,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment);
