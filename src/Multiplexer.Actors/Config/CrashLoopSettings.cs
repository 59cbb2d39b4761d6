using Multiplexer.Actors.Config.Keys;

namespace Multiplexer.Actors.Config;

/// <summary>
/// The <c>multiplexer.pool.crash-loop</c> section: when workers fail to start <paramref name="Failures"/>
/// times within <paramref name="Within"/> and none is ready, the pool fails fast: requests get 503 at
/// once with the cause instead of waiting for a worker that keeps dying.
/// </summary>
public sealed record CrashLoopSettings(int Failures, TimeSpan Within)
{
    public static CrashLoopSettings Default { get; } = new(SettingKeys.Pool.CrashLoopFailures.Default, SettingKeys.Pool.CrashLoopWithin.Default);
}
