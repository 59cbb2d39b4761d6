using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Xunit;
using static Multiplexer.Actors.Tests.Pool.PoolCoreDriver;

namespace Multiplexer.Actors.Tests.Pool;

/// <summary>The pool core's surplus: temporary workers for a burst, and their retirement once they idle.</summary>
public sealed class PoolCoreSurplusSpecs
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Should_start_a_temporary_worker_for_each_waiting_request_up_to_max_overflow()
    {
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 2));
        pool.ReadyAll();
        pool.Lease();

        var waiting = new[] { pool.Checkout(), pool.Checkout(), pool.Checkout() };

        Assert.Equal([1, 2, 3], pool.Started);
        Assert.Contains(pool.Log, l => l.Contains("started temporary worker 3 (3 of 3)", StringComparison.Ordinal));
        pool.ReadyAll();
        Assert.Equal([2, 3], waiting.Where(w => w.IsCompleted).Select(w => Granted(w).WorkerId).Order());
    }

    [Fact]
    public void Should_not_start_temporary_workers_for_requests_that_gave_up()
    {
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 2));
        pool.ReadyAll();
        pool.Lease();
        var gaveUp = new TaskCompletionSource<WorkerLease>();
        pool.Apply(pool.Core.Checkout(new Checkout(gaveUp, "GET", "/")));
        gaveUp.TrySetCanceled();

        pool.Checkout();

        Assert.Equal([1, 2], pool.Started);
    }

    [Theory]
    [InlineData(PoolStrategy.Fifo, 3)]
    [InlineData(PoolStrategy.Lifo, 1)]
    public void Should_retire_the_surplus_by_strategy_once_the_burst_is_over(PoolStrategy strategy, int kept)
    {
        // arrange: size 1 and two temporary workers, all three busy
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 2, strategy: strategy));
        var leases = Burst(pool, 3);

        // act
        leases.ForEach(l => pool.Checkin(l));

        // assert: fifo keeps the newest started, lifo the oldest
        Assert.Equal(new[] { 1, 2, 3 }.Except([kept]), pool.Stopped.Order());
        Assert.Equal(kept, Assert.Single(pool.Status.Workers, w => w.State != "retiring").Id);
    }

    [Fact]
    public void Should_keep_idle_surplus_workers_until_they_have_idled_for_overflow_idle_timeout()
    {
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 2, overflowIdleTimeout: IdleTimeout));
        var leases = Burst(pool, 3);
        var idleSince = pool.Clock.GetUtcNow();

        leases.ForEach(l => pool.Checkin(l));
        pool.Advance(IdleTimeout - TimeSpan.FromMilliseconds(1));

        Assert.Empty(pool.Stopped);
        Assert.Equal(idleSince + IdleTimeout, pool.RetirementCheckAt);
        pool.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, pool.Stopped.Count);
    }

    [Fact]
    public void Should_start_the_idle_time_again_when_a_surplus_worker_serves_in_between()
    {
        // arrange: both workers idle; six seconds later both serve a request
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 1, overflowIdleTimeout: IdleTimeout));
        Burst(pool, 2).ForEach(l => pool.Checkin(l));
        pool.Advance(TimeSpan.FromSeconds(6));
        var leases = new[] { pool.Lease(), pool.Lease() };
        leases.ToList().ForEach(l => pool.Checkin(l));

        // act: ten seconds after the first idle time began, but only four after the second
        pool.Advance(TimeSpan.FromSeconds(4));

        // assert: the surplus retires only ten seconds after its last request
        Assert.Empty(pool.Stopped);
        pool.Advance(TimeSpan.FromSeconds(6));
        Assert.Single(pool.Stopped);
    }

    [Fact]
    public void Should_retire_nothing_under_a_steady_load_that_leaves_workers_idle_only_for_moments()
    {
        // arrange: size 2 and two temporary workers, all four serving
        var pool = new PoolCoreDriver(Settings(size: 2, maxOverflow: 2, overflowIdleTimeout: IdleTimeout));
        var leases = Burst(pool, 4);

        // act: for 15 s every worker finishes its request and takes the next, 5 ms later; all four idle at once each time
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromSeconds(15); elapsed += TimeSpan.FromMilliseconds(5))
        {
            leases.ForEach(l => pool.Checkin(l));
            pool.Advance(TimeSpan.FromMilliseconds(5));
            leases = [.. leases.Select(_ => pool.Lease())];
        }

        // assert: no worker retired and none was started on top of the four
        Assert.Empty(pool.Stopped);
        Assert.Equal(4, pool.Started.Count);
        Assert.Equal(0, pool.Status.Counters.Retired);
    }

    [Fact]
    public void Should_retire_at_the_first_moment_more_than_size_are_idle_when_the_timeout_is_zero()
    {
        // the seed's behaviour, kept for a zero overflow-idle-timeout: the same load churns
        var pool = new PoolCoreDriver(Settings(size: 2, maxOverflow: 2));
        var leases = Burst(pool, 4);

        leases.ForEach(l => pool.Checkin(l));

        Assert.Equal(2, pool.Stopped.Count);
    }

    [Fact]
    public void Should_never_retire_below_size()
    {
        var pool = new PoolCoreDriver(Settings(size: 2, maxOverflow: 2, overflowIdleTimeout: IdleTimeout));
        Burst(pool, 4).ForEach(l => pool.Checkin(l));

        pool.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(2, pool.Stopped.Count);
        Assert.Equal(2, pool.Status.Workers.Count(w => w.State == "idle"));
    }

    [Fact]
    public void Should_ask_for_one_retirement_check_however_many_workers_go_idle_before_it()
    {
        var pool = new PoolCoreDriver(Settings(size: 1, maxOverflow: 3, overflowIdleTimeout: IdleTimeout));
        var leases = Burst(pool, 4);

        leases.ForEach(l =>
        {
            pool.Checkin(l);
            pool.Advance(TimeSpan.FromMilliseconds(100));
        });

        Assert.Equal(1, pool.Count<ScheduleRetirementCheck>());
    }

    /// <summary>
    /// Readies the permanent workers, then keeps <paramref name="busy"/> requests out, starting temporary
    /// workers for the rest, each ready a millisecond after the one before.
    /// </summary>
    private static List<WorkerLease> Burst(PoolCoreDriver pool, int busy)
    {
        pool.ReadyAll();
        var leases = Enumerable.Range(0, busy).Select(_ => pool.Checkout()).ToList();
        foreach (var id in pool.Started.Skip(pool.Status.Size))
        {
            pool.Advance(TimeSpan.FromMilliseconds(1));
            pool.Ready(id);
        }
        return [.. leases.Select(l => Granted(l))];
    }
}
