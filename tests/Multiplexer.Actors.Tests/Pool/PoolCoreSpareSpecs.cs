using Xunit;
using static Multiplexer.Actors.Tests.Pool.PoolCoreDriver;

namespace Multiplexer.Actors.Tests.Pool;

/// <summary>The pool core's spares: workers started ahead of demand so that a burst does not wait for a start.</summary>
public sealed class PoolCoreSpareSpecs
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Should_start_min_spare_workers_on_top_of_size_once_the_pool_is_warm()
    {
        var pool = new PoolCoreDriver(Settings(size: 2, maxOverflow: 3, minSpare: 2));
        Assert.Equal([1, 2], pool.Started);

        pool.ReadyAll();

        Assert.Equal([1, 2, 3, 4], pool.Started);
        Assert.Contains("Starting spare worker 3: 2 idle for min-spare 2", pool.Log);
        pool.ReadyAll();
        Assert.Equal(4, pool.Status.Idle);
    }

    [Fact]
    public void Should_serve_min_spare_simultaneous_requests_beyond_size_without_waiting_for_a_start()
    {
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 2, minSpare: 1));
        pool.ReadyAll();
        pool.ReadyAll();

        var first = pool.Checkout();
        var second = pool.Checkout();

        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(3, pool.Started.Count);
    }

    [Fact]
    public void Should_start_another_spare_after_each_checkout_that_leaves_fewer_than_min_spare_idle()
    {
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 3, minSpare: 1));
        pool.ReadyAll();
        pool.ReadyAll();

        pool.Lease();
        Assert.Equal(2, pool.Started.Count);
        pool.Lease();

        Assert.Equal(3, pool.Started.Count);
        Assert.Contains("Starting spare worker 3: 0 idle for min-spare 1", pool.Log);
    }

    [Fact]
    public void Should_count_a_spare_still_starting_so_that_no_start_is_doubled()
    {
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 3, minSpare: 1));
        pool.ReadyAll();
        pool.ReadyAll();
        pool.Lease();
        pool.Lease();

        var waiting = pool.Checkout();

        // worker 3, the spare started by the second lease, is the one the waiting request waits for
        Assert.Equal([1, 2, 3], pool.Started);
        pool.Ready(3);
        Assert.Equal(3, Granted(waiting).WorkerId);
        Assert.Equal([1, 2, 3, 4], pool.Started);
    }

    [Fact]
    public void Should_never_start_spares_beyond_size_plus_max_overflow()
    {
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 1, minSpare: 1));
        pool.ReadyAll();
        pool.ReadyAll();

        pool.Lease();
        pool.Lease();
        pool.Checkout();

        Assert.Equal(2, pool.Started.Count);
    }

    [Fact]
    public void Should_keep_min_spare_workers_when_the_surplus_retires()
    {
        // arrange: size 1, min-spare 1, a burst of four
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 3, minSpare: 1, overflowIdleTimeout: IdleTimeout));
        pool.ReadyAll();
        pool.ReadyAll();
        var leases = new[] { pool.Lease(), pool.Lease() }.ToList();
        pool.ReadyAll();
        leases.Add(pool.Lease());
        pool.ReadyAll();
        leases.Add(pool.Lease());
        Assert.Equal(4, pool.Started.Count);

        // act: the burst is over and the surplus idles past the timeout
        leases.ForEach(l => pool.Checkin(l));
        pool.Advance(IdleTimeout);

        // assert: size plus one spare stay
        Assert.Equal(2, pool.Stopped.Count);
        Assert.Equal(2, pool.Status.Idle);
    }

    [Fact]
    public void Should_start_no_spare_with_min_spare_zero()
    {
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 2));
        pool.ReadyAll();

        pool.Lease();

        Assert.Equal([1], pool.Started);
    }

    [Fact]
    public void Should_start_no_spare_before_the_pool_is_warm()
    {
        var pool = new PoolCoreDriver(Settings(size: 2, maxOverflow: 2, minSpare: 1));

        pool.Ready(1);

        Assert.Equal([1, 2], pool.Started);
    }
}
