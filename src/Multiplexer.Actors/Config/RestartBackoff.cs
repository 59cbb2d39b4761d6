namespace Multiplexer.Actors.Config;

/// <summary>
/// Delay before restarting a crashed worker: starts at <paramref name="Min"/>, doubles per crash up to
/// <paramref name="Max"/>, and drops back to <paramref name="Min"/> after <paramref name="ResetAfter"/>
/// without a crash.
/// </summary>
public sealed record RestartBackoff(TimeSpan Min, TimeSpan Max, TimeSpan ResetAfter);
