namespace Multiplexer.Actors.Config;

/// <summary>
/// When a freshly started worker counts as started: as soon as it prints its first output line
/// (<see cref="Fixed"/> is null), or after a fixed delay.
/// </summary>
public sealed record StartDelay(TimeSpan? Fixed)
{
    public const string WaitFirstOutputText = "wait-first-output";

    public static StartDelay WaitFirstOutput { get; } = new((TimeSpan?)null);

    public bool WaitsForFirstOutput => Fixed is null;

    public override string ToString() =>
        Fixed is { } delay ? Duration.Format(delay) : WaitFirstOutputText;
}
