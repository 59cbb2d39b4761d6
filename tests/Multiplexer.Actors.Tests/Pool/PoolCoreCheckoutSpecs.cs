using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Multiplexer.Actors.Workers;
using Xunit;
using static Multiplexer.Actors.Tests.Pool.PoolCoreDriver;

namespace Multiplexer.Actors.Tests.Pool;

/// <summary>The pool core's request path: checkout, the wait queue, leases and check-in.</summary>
public sealed class PoolCoreCheckoutSpecs
{
    [Fact]
    public void Should_lend_the_least_recently_used_idle_worker_when_strategy_is_fifo()
    {
        // arrange: three ready workers; 2 then 1 then 3 serve a request
        var pool = new PoolCoreDriver(Settings(size: 3, strategy: PoolStrategy.Fifo));
        pool.ReadyAll();
        var leases = new[] { pool.Lease(), pool.Lease(), pool.Lease() };
        foreach (var id in new[] { 2, 1, 3 })
        {
            pool.Checkin(leases.Single(l => l.WorkerId == id));
        }

        // act
        var order = new[] { pool.Lease(), pool.Lease(), pool.Lease() }.Select(l => l.WorkerId);

        // assert
        Assert.Equal([2, 1, 3], order);
    }

    [Fact]
    public void Should_lend_the_most_recently_used_idle_worker_when_strategy_is_lifo()
    {
        var pool = new PoolCoreDriver(Settings(size: 3, strategy: PoolStrategy.Lifo));
        pool.ReadyAll();
        var leases = new[] { pool.Lease(), pool.Lease(), pool.Lease() };
        foreach (var id in new[] { 2, 1, 3 })
        {
            pool.Checkin(leases.Single(l => l.WorkerId == id));
        }

        var order = new[] { pool.Lease(), pool.Lease(), pool.Lease() }.Select(l => l.WorkerId);

        Assert.Equal([3, 1, 2], order);
    }

    [Fact]
    public void Should_queue_a_checkout_while_all_are_busy_and_give_it_the_next_worker_checked_in()
    {
        var pool = new PoolCoreDriver(Settings(size: 2));
        pool.ReadyAll();
        var first = pool.Lease();
        pool.Lease();

        var waiting = pool.Checkout();
        Assert.False(waiting.IsCompleted, "a third request waits while both workers are busy");
        Assert.Equal(1, pool.Status.Waiting);
        pool.Checkin(first);

        Assert.Equal(first.WorkerId, Granted(waiting).WorkerId);
        Assert.Equal(0, pool.Status.Waiting);
    }

    [Fact]
    public void Should_reject_at_once_when_max_waiting_requests_already_wait()
    {
        var pool = new PoolCoreDriver(Settings(size: 1, maxWaiting: 2));
        pool.ReadyAll();
        pool.Lease();
        var queued = new[] { pool.Checkout(), pool.Checkout() };

        var rejected = pool.Checkout();

        var error = Assert.IsType<CheckoutRejectedException>(rejected.Exception?.InnerException);
        Assert.Equal(CheckoutRejection.QueueFull, error.Reason);
        Assert.Contains("2 requests are already waiting", error.Message);
        Assert.All(queued, q => Assert.False(q.IsCompleted));
    }

    [Fact]
    public void Should_not_count_requests_that_gave_up_against_the_queue_bound()
    {
        var pool = new PoolCoreDriver(Settings(size: 1, maxWaiting: 1));
        pool.ReadyAll();
        pool.Lease();
        var abandoned = new TaskCompletionSource<WorkerLease>();
        pool.Apply(pool.Core.Checkout(new Checkout(abandoned, "GET", "/")));
        abandoned.TrySetCanceled();

        var next = pool.Checkout();

        Assert.False(next.IsCompleted, "the place of a request that gave up is free again");
        Assert.Equal(1, pool.Status.Waiting);
    }

    [Fact]
    public void Should_pass_over_waiting_requests_that_gave_up()
    {
        var pool = new PoolCoreDriver(Settings(size: 1));
        pool.ReadyAll();
        var busy = pool.Lease();
        var gaveUp = new TaskCompletionSource<WorkerLease>();
        pool.Apply(pool.Core.Checkout(new Checkout(gaveUp, "GET", "/")));
        var waiting = pool.Checkout();
        gaveUp.TrySetCanceled();

        pool.Checkin(busy);

        Assert.Equal(busy.WorkerId, Granted(waiting).WorkerId);
    }

    [Fact]
    public void Should_take_back_a_lease_whose_request_gave_up_the_moment_it_was_granted()
    {
        // arrange: a request waits for the only worker
        var pool = new PoolCoreDriver(Settings(size: 1));
        pool.ReadyAll();
        var busy = pool.Lease();
        var gaveUp = new TaskCompletionSource<WorkerLease>();
        pool.Apply(pool.Core.Checkout(new Checkout(gaveUp, "GET", "/")));
        var next = pool.Checkout();

        // act: the core grants the worker to the first waiter, which times out before the grant reaches it
        var decisions = pool.Core.Checkin(new Checkin(busy, CheckinOutcome.Completed, 200, TimeSpan.Zero));
        gaveUp.TrySetCanceled();
        pool.Apply(decisions);

        // assert: the lease came back and went to the next request
        Assert.Equal(busy.WorkerId, Assert.Single(decisions.OfType<GrantLease>()).Lease.WorkerId);
        Assert.Equal(busy.WorkerId, Granted(next).WorkerId);
    }

    [Fact]
    public void Should_ignore_the_checkin_of_a_lease_whose_worker_stopped_meanwhile()
    {
        var pool = new PoolCoreDriver(Settings(size: 1));
        pool.ReadyAll();
        var lease = pool.Lease();
        pool.Stop(lease.WorkerId);

        pool.Checkin(lease);

        var worker = Assert.Single(pool.Status.Workers);
        Assert.Equal("starting", worker.State);
        Assert.Equal(0, worker.RequestsServed);
    }

    [Fact]
    public void Should_check_a_worker_whose_connection_failed_and_lend_it_again_only_once_healthy()
    {
        var pool = new PoolCoreDriver(Settings(size: 1));
        pool.ReadyAll();
        var lease = pool.Lease();

        pool.Checkin(lease, CheckinOutcome.ConnectionFailed);
        var waiting = pool.Checkout();

        Assert.Equal(lease.WorkerId, Assert.Single(pool.Decisions.OfType<CheckHealth>()).WorkerId);
        Assert.False(waiting.IsCompleted, "an unchecked worker is not lent");
        pool.Apply(pool.Core.Healthy(new WorkerHealthy(lease.WorkerId, 1)));
        Assert.Equal(lease.WorkerId, Granted(waiting).WorkerId);
    }

    [Fact]
    public void Should_replace_the_process_of_a_worker_that_timed_out_and_lend_its_next_incarnation()
    {
        var pool = new PoolCoreDriver(Settings(size: 1));
        pool.ReadyAll();
        var lease = pool.Lease();

        pool.Checkin(lease, CheckinOutcome.TimedOut);
        var waiting = pool.Checkout();
        pool.Stop(lease.WorkerId, incarnation: 1, StopCause.Recycled);
        pool.Ready(lease.WorkerId, incarnation: 2);

        Assert.Contains("proxy-timeout", Assert.Single(pool.Decisions.OfType<ReplaceProcess>()).Reason);
        Assert.Equal(Pid(lease.WorkerId, 2), pool.Status.Workers.Single().Pid);
        Assert.Equal(lease.WorkerId, Granted(waiting).WorkerId);
        Assert.NotEqual(lease.LeaseId, Granted(waiting).LeaseId);
    }
}
