using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Multiplexer.Actors.Workers;
using Xunit;
using static Multiplexer.Actors.Tests.Pool.PoolCoreDriver;

namespace Multiplexer.Actors.Tests.Pool;

/// <summary>The pool core's lifecycle: start and warmth, incarnations, crash-loop, lost slots and stop.</summary>
public sealed class PoolCoreLifecycleSpecs
{
    private static readonly CrashLoopSettings CrashLoop = new(3, TimeSpan.FromSeconds(30));

    [Fact]
    public void Should_start_size_workers_and_be_warm_once_all_have_been_ready()
    {
        var pool = new PoolCoreDriver(Settings(size: 2));
        Assert.Equal([1, 2], pool.Started);

        pool.Ready(1);
        Assert.False(pool.Core.IsWarm);
        pool.Ready(2);

        Assert.True(pool.Core.IsWarm);
        Assert.Null(Assert.Single(pool.Decisions.OfType<AnswerWarmWaiters>()).Failure);
        Assert.Contains("Pool warm: 2 workers ready", pool.Log);
    }

    [Fact]
    public void Should_ignore_a_late_message_of_an_earlier_incarnation()
    {
        // arrange: the worker's second incarnation is ready and idle
        var pool = new PoolCoreDriver(Settings(size: 1));
        pool.Ready(1, incarnation: 1);
        pool.Stop(1, incarnation: 1);
        pool.Ready(1, incarnation: 2);

        // act: a stop of the first incarnation arrives after all
        pool.Stop(1, incarnation: 1);

        // assert: the second is still idle and lent
        var worker = Assert.Single(pool.Status.Workers);
        Assert.Equal("idle", worker.State);
        Assert.Equal(1, worker.Restarts);
        Assert.Equal(20_001, pool.Lease().Port);
    }

    [Fact]
    public void Should_heed_the_stop_of_a_newer_incarnation_that_never_said_it_was_starting()
    {
        // an incarnation that finds no free port stops before it starts anything
        var pool = new PoolCoreDriver(Settings(size: 1));
        pool.Ready(1, incarnation: 1);

        pool.Stop(1, incarnation: 2, StopCause.FailedToStart, wasReady: false);

        Assert.Equal("starting", Assert.Single(pool.Status.Workers).State);
    }

    [Fact]
    public void Should_fail_fast_with_the_cause_while_workers_keep_dying_before_ready_and_recover_on_the_first_ready()
    {
        // arrange: a request waits for a worker that dies three times before it is ever ready
        var pool = new PoolCoreDriver(Settings(size: 1) with { CrashLoop = CrashLoop });
        var waiting = pool.Checkout();

        // act
        for (var incarnation = 1; incarnation <= 3; incarnation++)
        {
            pool.Stop(1, incarnation, wasReady: false);
        }

        // assert: waiting and new requests are refused with the cause, warm waiters told; until a worker is ready
        var rejection = Assert.IsType<CheckoutRejectedException>(waiting.Exception?.InnerException);
        Assert.Equal(CheckoutRejection.ServiceFailing, rejection.Reason);
        Assert.Contains("exit code 1", rejection.Message);
        Assert.Contains("boom", rejection.Message);
        Assert.True(pool.Checkout().IsFaulted);
        Assert.NotNull(Assert.Single(pool.Decisions.OfType<AnswerWarmWaiters>()).Failure);
        pool.Ready(1, incarnation: 4);
        Assert.Null(pool.Core.Failure);
        Assert.Equal(1, pool.Lease().WorkerId);
    }

    [Fact]
    public void Should_not_fail_fast_for_failures_spread_wider_than_the_window()
    {
        var pool = new PoolCoreDriver(Settings(size: 1) with { CrashLoop = CrashLoop });

        for (var incarnation = 1; incarnation <= 3; incarnation++)
        {
            pool.Stop(1, incarnation, wasReady: false);
            pool.Advance(TimeSpan.FromSeconds(16));
        }

        Assert.Null(pool.Core.Failure);
        Assert.False(pool.Checkout().IsCompleted);
    }

    [Fact]
    public void Should_not_fail_fast_while_another_worker_is_ready()
    {
        var pool = new PoolCoreDriver(Settings(size: 2) with { CrashLoop = CrashLoop });
        pool.Ready(1);

        for (var incarnation = 1; incarnation <= 3; incarnation++)
        {
            pool.Stop(2, incarnation, wasReady: false);
        }

        Assert.Null(pool.Core.Failure);
        Assert.Equal(1, pool.Lease().WorkerId);
    }

    [Fact]
    public void Should_start_a_new_slot_when_one_terminates_unexpectedly()
    {
        var pool = new PoolCoreDriver(Settings(size: 2));
        pool.ReadyAll();

        pool.Terminate(1);

        Assert.Equal([1, 2, 3], pool.Started);
        Assert.Contains(pool.Log, l => l.Contains("Worker slot 1 terminated unexpectedly", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_refuse_checkouts_and_stop_every_slot_on_stop_and_report_once_all_are_gone()
    {
        // arrange: both workers busy and a request waiting
        var pool = new PoolCoreDriver(Settings(size: 2));
        pool.ReadyAll();
        pool.Lease();
        pool.Lease();
        var waiting = pool.Checkout();

        // act
        pool.Apply(pool.Core.Stop());

        // assert
        Assert.Equal(CheckoutRejection.ShuttingDown, Assert.IsType<CheckoutRejectedException>(waiting.Exception?.InnerException).Reason);
        Assert.True(pool.Checkout().IsFaulted);
        Assert.Equal([1, 2], pool.Stopped);
        pool.Terminate(1);
        Assert.Equal(0, pool.Count<ReportStopped>());
        pool.Terminate(2);
        Assert.Equal(1, pool.Count<ReportStopped>());
    }
}
