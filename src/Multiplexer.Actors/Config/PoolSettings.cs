using Multiplexer.Actors.Config.Keys;

namespace Multiplexer.Actors.Config;

/// <summary>The <c>multiplexer.pool</c> section.</summary>
public sealed record PoolSettings(
    int Size,
    int MaxOverflow,
    PoolStrategy Strategy,
    TimeSpan CheckoutTimeout,
    int MaxWaiting,
    TimeSpan OverflowIdleTimeout)
{
    /// <summary>Permanent plus temporary workers: the most that can run at once.</summary>
    public int MaxWorkers => Size + MaxOverflow;

    /// <summary>Idle workers kept ready ahead of demand, started as overflow workers; at most <see cref="MaxOverflow"/>.</summary>
    public int MinSpare { get; init; } = SettingKeys.Pool.MinSpare.Default;

    /// <summary>
    /// How long a request may hold its worker before it is logged as slow, from <c>http.slow-request</c>;
    /// zero: never. The loader fills it in; the pool watches its requests, so it takes the threshold here.
    /// </summary>
    public TimeSpan SlowRequest { get; init; }

    public CrashLoopSettings CrashLoop { get; init; } = CrashLoopSettings.Default;
}
