using Multiplexer.Actors.Pool;
using Xunit;

namespace Multiplexer.Actors.Tests.Pool;

public sealed class PoolCoreRequestsSpecs
{
    private static readonly TimeSpan Threshold = TimeSpan.FromSeconds(10);

    private static PoolCoreDriver Pool(int size = 1, TimeSpan? slowRequest = null)
    {
        var pool = new PoolCoreDriver(PoolCoreDriver.Settings(size, slowRequest: slowRequest ?? Threshold));
        pool.ReadyAll();
        return pool;
    }

    private static List<string> SlowWarnings(PoolCoreDriver pool) => [.. pool.Log.Where(line => line.StartsWith("Slow request", StringComparison.Ordinal))];

    [Fact]
    public void Should_show_the_request_a_worker_is_serving_and_then_its_last_request()
    {
        var pool = Pool();
        var startedAt = pool.Clock.GetUtcNow();
        var lease = pool.Lease("POST", "/orders?id=1");
        pool.Advance(TimeSpan.FromMilliseconds(250));

        var busy = Assert.Single(pool.Status.Workers);
        Assert.Equal(new WorkerRequest("POST", "/orders?id=1", startedAt, 250), busy.Request);
        Assert.Null(busy.LastRequest);

        pool.Checkin(lease, status: 201, workerTime: TimeSpan.FromMilliseconds(240));
        var idle = Assert.Single(pool.Status.Workers);
        Assert.Null(idle.Request);
        Assert.Equal(new WorkerLastRequest("POST", "/orders?id=1", 201, 240, startedAt.AddMilliseconds(250)), idle.LastRequest);
    }

    [Fact]
    public void Should_record_the_request_of_a_checkout_that_waited_when_it_gets_its_worker()
    {
        var pool = Pool();
        var first = pool.Lease("GET", "/first");
        var waiting = pool.Checkout("GET", "/second");
        pool.Advance(TimeSpan.FromSeconds(1));

        pool.Checkin(first);

        var lease = PoolCoreDriver.Granted(waiting);
        var worker = Assert.Single(pool.Status.Workers);
        Assert.Equal(("GET", "/second", 0d), (worker.Request!.Method, worker.Request.Target, worker.Request.ElapsedMs));
        Assert.Equal("/first", worker.LastRequest!.Target);
        pool.Checkin(lease);
    }

    [Fact]
    public void Should_warn_once_the_moment_a_request_passes_the_threshold()
    {
        var pool = Pool();
        pool.Lease("GET", "/sleep?ms=30000");

        pool.Advance(Threshold - TimeSpan.FromMilliseconds(1));
        Assert.Empty(SlowWarnings(pool));

        pool.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(
            [$"Slow request on worker 1 (pid {PoolCoreDriver.Pid(1)}, port 20001): GET /sleep?ms=30000 running for 10000 ms"],
            SlowWarnings(pool));
        Assert.Equal(PoolLogLevel.Warning, pool.Decisions.OfType<PoolLog>().Single(log => log.Template.StartsWith("Slow", StringComparison.Ordinal)).Level);
        Assert.Equal(1, pool.Status.SlowRequests);

        pool.Advance(Threshold * 3);
        Assert.Single(SlowWarnings(pool));
        Assert.Equal(1, pool.Status.SlowRequests);
    }

    [Fact]
    public void Should_not_warn_about_a_request_that_ended_before_the_threshold()
    {
        var pool = Pool();
        var lease = pool.Lease();
        pool.Advance(Threshold / 2);
        pool.Checkin(lease);

        pool.Advance(Threshold);

        Assert.Empty(SlowWarnings(pool));
        Assert.Equal(0, pool.Status.SlowRequests);
    }

    [Fact]
    public void Should_look_ahead_to_the_next_request_when_the_check_comes_and_warn_about_it_at_its_own_threshold()
    {
        var pool = Pool(size: 2);
        var first = pool.Lease("GET", "/first");
        pool.Advance(TimeSpan.FromSeconds(4));
        pool.Lease("GET", "/second");
        pool.Advance(TimeSpan.FromSeconds(2));
        pool.Checkin(first);

        pool.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(SlowWarnings(pool));
        Assert.Equal(pool.Clock.GetUtcNow() + TimeSpan.FromSeconds(4), pool.SlowCheckAt);

        pool.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(["Slow request on worker 2 (pid 1021, port 20002): GET /second running for 10000 ms"], SlowWarnings(pool));
        Assert.Null(pool.SlowCheckAt);
    }

    [Fact]
    public void Should_schedule_no_timer_per_request_while_a_check_is_pending()
    {
        var pool = Pool(size: 2);
        pool.Lease("GET", "/stuck");
        for (var i = 0; i < 100; i++)
        {
            pool.Serve();
        }

        Assert.Equal(1, pool.SlowChecksScheduled);
    }

    [Fact]
    public void Should_never_warn_nor_schedule_a_check_when_slow_request_is_0s()
    {
        var pool = Pool(slowRequest: TimeSpan.Zero);
        pool.Lease();

        pool.Advance(TimeSpan.FromHours(1));

        Assert.Empty(SlowWarnings(pool));
        Assert.Equal(0, pool.SlowChecksScheduled);
    }

    [Fact]
    public void Should_forget_the_request_of_a_worker_whose_process_died_under_it()
    {
        var pool = Pool();
        pool.Lease();
        pool.Stop(1);

        pool.Advance(Threshold);

        Assert.Null(Assert.Single(pool.Status.Workers).Request);
        Assert.Empty(SlowWarnings(pool));
    }
}
