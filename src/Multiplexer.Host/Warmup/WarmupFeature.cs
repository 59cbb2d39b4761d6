namespace Multiplexer.Host.Warmup;

/// <summary>
/// The warm-up feature: the host reports itself started (systemd's READY=1 included) only once the pool can serve,
/// or has failed fast. This folder holds the hosted service that waits for it.
/// </summary>
internal static class WarmupFeature
{
    /// <summary>Register after the actor system: hosted services start in order, and Kestrel after them all.</summary>
    public static IServiceCollection AddPoolWarmup(this IServiceCollection services) => services.AddHostedService<PoolWarmup>();
}
