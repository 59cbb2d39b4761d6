using Prometheus;

namespace Multiplexer.Host.Metrics;

/// <summary>
/// The metrics feature: Prometheus metrics recorded by the proxy as requests pass, and read from the pool at each
/// scrape of the admin's <c>/metrics</c>. This folder holds them, apart from both features that use them.
/// </summary>
internal static class MetricsFeature
{
    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services)
    {
        // Process metrics stay; every .NET meter and event counter would bury the pool's own metrics.
        Prometheus.Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressMeters = true, SuppressEventCounters = true });
        return services
            .AddSingleton(Prometheus.Metrics.DefaultRegistry)
            .AddSingleton<ProxyMetrics>();
    }
}
