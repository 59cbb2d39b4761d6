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

    public CrashLoopSettings CrashLoop { get; init; } = CrashLoopSettings.Default;
}
