namespace Multiplexer.Actors.Config;

/// <summary>The <c>multiplexer.service</c> section: how to start, reach and stop workers.</summary>
/// <param name="KillPattern">Empty means no stray-process cleanup.</param>
/// <param name="WorkingDirectory">Absolute path.</param>
public sealed record ServiceSettings(
    Uri BaseUrl,
    PortRange PortRange,
    string StartCmd,
    StartDelay StartDelay,
    TimeSpan ReadyTimeout,
    string KillPattern,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    TimeSpan StopTimeout,
    RestartBackoff Restart)
{
    public RecycleSettings Recycle { get; init; } = RecycleSettings.Off;

    // Hand-written because the generated equality compares Environment by reference, and a
    // rendered-then-reparsed configuration must compare equal to the original.
    public bool Equals(ServiceSettings? other) =>
        other is not null
        && BaseUrl == other.BaseUrl
        && PortRange == other.PortRange
        && StartCmd == other.StartCmd
        && StartDelay == other.StartDelay
        && ReadyTimeout == other.ReadyTimeout
        && KillPattern == other.KillPattern
        && WorkingDirectory == other.WorkingDirectory
        && SameEnvironment(Environment, other.Environment)
        && StopTimeout == other.StopTimeout
        && Restart == other.Restart
        && Recycle == other.Recycle;

    public override int GetHashCode() =>
        HashCode.Combine(BaseUrl, PortRange, StartCmd, StartDelay, WorkingDirectory, Environment.Count, Restart);

    private static bool SameEnvironment(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count
        && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
