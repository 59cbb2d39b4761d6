namespace Multiplexer.Host.Warmup;

/// <summary>The warm-up: the host reports itself started only once the pool can serve.</summary>
internal static class WarmupFeature
{
    /// <summary>Register after the actor system: hosted services start in order, and Kestrel after them all.</summary>
    public static IServiceCollection AddPoolWarmup(this IServiceCollection services) => services.AddHostedService<PoolWarmup>();
}
