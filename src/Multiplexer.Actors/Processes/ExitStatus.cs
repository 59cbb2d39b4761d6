namespace Multiplexer.Actors.Processes;

/// <summary>How a worker process ended, as a shell reports it: 128 + N means it died of signal N.</summary>
public sealed record ExitStatus(int Code)
{
    public int? Signal => Code is > 128 and < 128 + 65 ? Code - 128 : null;

    public override string ToString() => Signal switch
    {
        9 => $"exit code {Code} (killed by SIGKILL)",
        15 => $"exit code {Code} (terminated by SIGTERM)",
        int s => $"exit code {Code} (signal {s})",
        null => $"exit code {Code}",
    };
}
