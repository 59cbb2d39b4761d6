using Multiplexer.Actors.Pool;
using Multiplexer.Actors.Workers;
using Prometheus;

namespace Multiplexer.Host.Metrics;

/// <summary>
/// Prometheus metrics. Request metrics are recorded by the proxy endpoint as requests pass; pool
/// metrics are read from the pool actor's status at each scrape, so the actor knows nothing of them.
/// </summary>
internal sealed class ProxyMetrics
{
    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];
    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.0005, 2, 18);

    private readonly Counter.Child[] _requests;
    private readonly Histogram _workerSeconds;
    private readonly Histogram _checkoutWaitSeconds;
    private readonly Counter _rejections;
    private readonly Gauge _workers;
    private readonly Gauge _waiting;
    private readonly Gauge _capacity;
    private readonly Counter _spawns;
    private readonly Counter _stops;
    private readonly Counter _retirements;
    private readonly Counter _limitReached;
    private readonly Counter _slowRequests;

    public ProxyMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var requests = factory.CreateCounter("multiplexer_requests_total", "Proxied requests by response status class.", "code");
        _requests = [.. StatusClasses.Select(c => requests.WithLabels(c))];
        _workerSeconds = factory.CreateHistogram("multiplexer_proxy_duration_seconds", "Time a worker was held by a request.",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        _checkoutWaitSeconds = factory.CreateHistogram("multiplexer_checkout_wait_seconds", "Time a request waited for a free worker.",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        _rejections = factory.CreateCounter("multiplexer_rejections_total", "Requests answered 503 without a worker, by reason.", "reason");
        _workers = factory.CreateGauge("multiplexer_workers", "Workers by state.", "state");
        _waiting = factory.CreateGauge("multiplexer_waiting_requests", "Requests waiting for a free worker.");
        // Busy workers over this is the pool's saturation, the ratio an autoscaler scales on.
        _capacity = factory.CreateGauge("multiplexer_pool_capacity", "Most workers the pool may run: size + max-overflow.");
        _spawns = factory.CreateCounter("multiplexer_worker_spawns_total", "Worker processes started.");
        _stops = factory.CreateCounter("multiplexer_worker_stops_total", "Worker stops by cause.", "cause");
        _retirements = factory.CreateCounter("multiplexer_worker_retirements_total", "Surplus workers retired after a burst.");
        _limitReached = factory.CreateCounter("multiplexer_pool_limit_reached_total",
            "Requests that had to wait with every worker the pool may run (size + max-overflow) busy.");
        _slowRequests = factory.CreateCounter("multiplexer_slow_requests_total", "Requests still on their worker after http.slow-request.");
    }

    public void RequestServed(int status, TimeSpan checkoutWait, TimeSpan workerTime)
    {
        _requests[Math.Clamp(status / 100, 1, 5) - 1].Inc();
        _checkoutWaitSeconds.Observe(checkoutWait.TotalSeconds);
        _workerSeconds.Observe(workerTime.TotalSeconds);
    }

    public void RequestNotServed(int status, string? rejection)
    {
        _requests[Math.Clamp(status / 100, 1, 5) - 1].Inc();
        if (rejection is not null)
        {
            _rejections.WithLabels(rejection).Inc();
        }
    }

    public void Update(PoolStatus status)
    {
        foreach (var state in new[] { "starting", "idle", "busy", "checking", "retiring" })
        {
            _workers.WithLabels(state).Set(status.Workers.Count(w => w.State == state));
        }
        _waiting.Set(status.Waiting);
        _capacity.Set(status.Size + status.MaxOverflow);
        _spawns.IncTo(status.Counters.Spawned);
        _retirements.IncTo(status.Counters.Retired);
        _limitReached.IncTo(status.Counters.LimitReached);
        _slowRequests.IncTo(status.SlowRequests);
        foreach (var cause in Enum.GetValues<StopCause>())
        {
            _stops.WithLabels(cause.ToString().ToLowerInvariant()).IncTo(status.Counters.Stops.GetValueOrDefault(cause));
        }
    }
}
