using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Xunit;

namespace Multiplexer.Actors.Tests.Pool;

/// <summary>checkout-timeout, as the pool keeps it for the requests waiting in its queue.</summary>
public sealed class PoolCoreWaitingSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static PoolCoreDriver Pool(TimeSpan? checkoutTimeout = null)
    {
        var pool = new PoolCoreDriver(PoolCoreDriver.Settings(size: 1, checkoutTimeout: checkoutTimeout ?? Timeout));
        pool.ReadyAll();
        return pool;
    }

    private static CheckoutRejectedException Rejection(Task<WorkerLease> checkout) =>
        Assert.IsType<CheckoutRejectedException>(checkout.Exception?.InnerException);

    [Fact]
    public void Should_answer_a_request_that_waited_checkout_timeout_with_the_reason()
    {
        var pool = Pool();
        pool.Lease();
        var waiting = pool.Checkout();

        pool.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);

        pool.Advance(TimeSpan.FromMilliseconds(1));
        var rejection = Rejection(waiting);
        Assert.Equal(CheckoutRejection.TimedOut, rejection.Reason);
        Assert.Equal("no worker became free within checkout-timeout 5s", rejection.Message);
        Assert.Equal(0, pool.Status.Waiting);
    }

    [Fact]
    public void Should_cost_no_timer_for_requests_that_find_a_worker_free()
    {
        var pool = Pool();

        for (var i = 0; i < 100; i++)
        {
            pool.Serve();
        }

        Assert.Equal(0, pool.ExpiryChecksScheduled);
    }

    [Fact]
    public void Should_keep_one_check_for_the_whole_queue_and_answer_each_request_at_its_own_time()
    {
        var pool = Pool();
        pool.Lease();
        var first = pool.Checkout();
        pool.Advance(TimeSpan.FromSeconds(1));
        var second = pool.Checkout();
        pool.Advance(TimeSpan.FromSeconds(1));
        var third = pool.Checkout();
        Assert.Equal(1, pool.ExpiryChecksScheduled);

        pool.Advance(Timeout - TimeSpan.FromSeconds(2));
        Assert.True(first.IsFaulted);
        Assert.False(second.IsCompleted);

        pool.Advance(TimeSpan.FromSeconds(1));
        Assert.True(second.IsFaulted);
        Assert.False(third.IsCompleted);

        pool.Advance(TimeSpan.FromSeconds(1));
        Assert.True(third.IsFaulted);
        Assert.Equal(3, pool.ExpiryChecksScheduled);
    }

    [Fact]
    public void Should_leave_a_request_alone_that_got_its_worker_in_time()
    {
        var pool = Pool();
        var busy = pool.Lease();
        var waiting = pool.Checkout();
        pool.Advance(Timeout / 2);

        pool.Checkin(busy);
        pool.Advance(Timeout);

        var lease = PoolCoreDriver.Granted(waiting);
        Assert.Equal("busy", Assert.Single(pool.Status.Workers).State);
        pool.Checkin(lease);
        Assert.Equal(1, pool.Status.Idle);
    }

    [Fact]
    public void Should_hold_the_requests_already_waiting_to_a_shorter_timeout_from_a_reload()
    {
        var pool = Pool(checkoutTimeout: TimeSpan.FromSeconds(30));
        pool.Lease();
        var waiting = pool.Checkout();
        pool.Advance(TimeSpan.FromSeconds(3));

        pool.Apply(pool.Core.Reconfigure(PoolCoreDriver.Settings(size: 1, checkoutTimeout: TimeSpan.FromSeconds(4)), RecycleSettings.Off, rollWorkers: false));
        pool.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("no worker became free within checkout-timeout 4s", Rejection(waiting).Message);
    }

    [Fact]
    public void Should_not_prolong_a_wait_when_the_wall_clock_steps_back()
    {
        var pool = Pool();
        pool.Lease();
        var waiting = pool.Checkout();

        pool.StepWallClock(TimeSpan.FromHours(-1));
        pool.Advance(Timeout);

        Assert.Equal(CheckoutRejection.TimedOut, Rejection(waiting).Reason);
    }

    [Fact]
    public void Should_tell_the_waiting_requests_at_once_when_the_pool_is_abandoned()
    {
        var pool = Pool();
        pool.Lease();
        var waiting = pool.Checkout();

        pool.Apply(pool.Core.Abandon());

        Assert.Equal(CheckoutRejection.ShuttingDown, Rejection(waiting).Reason);
    }
}
