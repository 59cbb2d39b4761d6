using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;
using Multiplexer.Actors.Pool;
using Multiplexer.Host.Hosting;
using Multiplexer.Host.Metrics;
using Multiplexer.Host.Proxy;
using Prometheus;

namespace Multiplexer.Host.Tests.Infrastructure;

/// <summary>The proxy endpoint as the host builds it, with a probe for the pool and a fake worker behind the forwarder.</summary>
internal static class ProxyEndpoints
{
    public static ProxyEndpoint Create(IActorRef pool, FakeWorker worker, LiveSettings settings) =>
        new(new FixedActor<PoolActor>(pool), Forwarders.Create(), worker.Invoker, settings,
            new ProxyMetrics(Prometheus.Metrics.NewCustomRegistry()), NullLoggerFactory.Instance);
}
