using Multiplexer.Actors.Pool;
using Xunit;
using static Multiplexer.Actors.Tests.Pool.PoolCoreDriver;

namespace Multiplexer.Actors.Tests.Pool;

/// <summary>The pool core's counters since start: requests served, the longest queue, and how often the pool was at its limit.</summary>
public sealed class PoolCoreCountersSpecs
{
    [Fact]
    public void Should_count_each_request_served_on_any_worker()
    {
        var pool = new PoolCoreDriver(Settings(size: 2));
        pool.ReadyAll();

        pool.Serve();
        pool.Serve();
        pool.Checkin(pool.Lease(), CheckinOutcome.ConnectionFailed);

        Assert.Equal(3, pool.Status.Counters.Served);
    }

    [Fact]
    public void Should_keep_the_most_requests_ever_waiting_at_once()
    {
        var pool = new PoolCoreDriver(Settings(size: 1));
        pool.ReadyAll();
        var lease = pool.Lease();
        var waiting = new[] { pool.Checkout(), pool.Checkout(), pool.Checkout() };

        pool.Checkin(lease);
        pool.Checkin(Granted(waiting[0]));

        Assert.Equal(1, pool.Status.Waiting);
        Assert.Equal(3, pool.Status.Counters.WaitingMax);
    }

    [Fact]
    public void Should_count_a_request_that_waits_only_when_every_worker_the_pool_may_run_is_up()
    {
        // arrange: size 1 and one temporary worker
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 1));
        pool.ReadyAll();
        pool.Lease();

        // act: the first wait starts the temporary worker; once it is busy too, the next has nowhere to go
        pool.Checkout();
        Assert.Equal(0, pool.Status.Counters.LimitReached);
        pool.ReadyAll();
        pool.Checkout();
        pool.Checkout();

        // assert
        Assert.Equal(2, pool.Status.Counters.LimitReached);
    }

    [Fact]
    public void Should_not_count_a_request_turned_away_because_the_queue_is_full()
    {
        var pool = new PoolCoreDriver(Settings(size: 1, maxWaiting: 1));
        pool.ReadyAll();
        pool.Lease();

        pool.Checkout();
        var refused = pool.Checkout();

        Assert.True(refused.IsFaulted);
        Assert.Equal(1, pool.Status.Counters.LimitReached);
        Assert.Equal(1, pool.Status.Counters.WaitingMax);
    }
}
