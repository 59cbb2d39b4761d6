using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Time.Testing;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Multiplexer.Actors.Processes;
using Multiplexer.Actors.Workers;
using Xunit;

namespace Multiplexer.Actors.Tests.Pool;

public sealed class PoolActorSpecs : TestKit
{
    private readonly TestProbe _slots;

    // The pool's clock: overflow-idle-timeout and recycling go by it; time stands still until a spec moves it.
    private readonly FakeTimeProvider _clock = new();

    public PoolActorSpecs()
    {
        _slots = CreateTestProbe();
    }

    [Fact]
    public async Task Should_start_size_workers_and_lend_each_to_one_request_at_a_time()
    {
        // arrange
        var pool = CreatePool(Settings(size: 2));
        var (a, b) = (await ReadyWorkerAsync(pool), await ReadyWorkerAsync(pool));

        // act
        var first = await CheckoutAsync(pool);
        var second = await CheckoutAsync(pool);
        var third = Checkout(pool);

        // assert
        Assert.NotEqual(first.WorkerId, second.WorkerId);
        Assert.Equal(new[] { a.Id, b.Id }.Order(), new[] { first.WorkerId, second.WorkerId }.Order());
        await StatusAsync(pool);
        Assert.False(third.IsCompleted, "a third request must wait while both workers are busy");
        pool.Tell(new Checkin(first, CheckinOutcome.Completed, 200, TimeSpan.Zero));
        Assert.Equal(first.WorkerId, (await third.WaitAsync(TimeSpan.FromSeconds(3))).WorkerId);
    }

    [Fact]
    public async Task Should_hand_out_least_recently_used_worker_when_strategy_is_fifo()
    {
        var pool = CreatePool(Settings(size: 2, strategy: PoolStrategy.Fifo));
        var workers = new[] { await ReadyWorkerAsync(pool), await ReadyWorkerAsync(pool) };
        var lease = await CheckoutAsync(pool);
        pool.Tell(new Checkin(lease, CheckinOutcome.Completed, 200, TimeSpan.Zero));

        var next = await CheckoutAsync(pool);

        Assert.NotEqual(lease.WorkerId, next.WorkerId);
        Assert.Contains(next.WorkerId, workers.Select(w => w.Id));
    }

    [Fact]
    public async Task Should_hand_out_most_recently_used_worker_when_strategy_is_lifo()
    {
        var pool = CreatePool(Settings(size: 2, strategy: PoolStrategy.Lifo));
        await ReadyWorkerAsync(pool);
        await ReadyWorkerAsync(pool);
        var lease = await CheckoutAsync(pool);
        pool.Tell(new Checkin(lease, CheckinOutcome.Completed, 200, TimeSpan.Zero));

        var next = await CheckoutAsync(pool);

        Assert.Equal(lease.WorkerId, next.WorkerId);
    }

    [Fact]
    public async Task Should_start_a_temporary_worker_when_all_are_busy_and_overflow_is_left()
    {
        var pool = CreatePool(Settings(size: 1, maxOverflow: 1));
        await ReadyWorkerAsync(pool);
        await CheckoutAsync(pool);

        var waiting = Checkout(pool);
        var overflow = await _slots.ExpectMsgAsync<SlotStarted>();
        var worker = MakeReady(pool, overflow.Id);

        Assert.Equal(worker.Id, (await waiting.WaitAsync(TimeSpan.FromSeconds(3))).WorkerId);
        _ = Checkout(pool);
        await _slots.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Should_give_a_waiting_request_the_first_worker_that_is_free_or_ready()
    {
        var pool = CreatePool(Settings(size: 1, maxOverflow: 1));
        var permanent = await ReadyWorkerAsync(pool);
        var busy = await CheckoutAsync(pool);
        var waiting = Checkout(pool);
        await _slots.ExpectMsgAsync<SlotStarted>();

        // the permanent worker comes back before the temporary one is ready
        pool.Tell(new Checkin(busy, CheckinOutcome.Completed, 200, TimeSpan.Zero));

        Assert.Equal(permanent.Id, (await waiting.WaitAsync(TimeSpan.FromSeconds(3))).WorkerId);
    }

    [Theory]
    [InlineData(PoolStrategy.Fifo)]
    [InlineData(PoolStrategy.Lifo)]
    public async Task Should_retire_surplus_by_strategy_once_the_burst_is_over(PoolStrategy strategy)
    {
        // arrange: size 1 + 2 temporary workers, all three busy
        var pool = CreatePool(Settings(size: 1, maxOverflow: 2, strategy: strategy));
        var oldest = await ReadyWorkerAsync(pool);
        var leases = new List<WorkerLease> { await CheckoutAsync(pool) };
        var second = Checkout(pool);
        var middle = MakeReady(pool, (await _slots.ExpectMsgAsync<SlotStarted>()).Id);
        leases.Add(await second);
        var third = Checkout(pool);
        var newest = MakeReady(pool, (await _slots.ExpectMsgAsync<SlotStarted>()).Id);
        leases.Add(await third);

        // act
        foreach (var lease in leases)
        {
            pool.Tell(new Checkin(lease, CheckinOutcome.Completed, 200, TimeSpan.Zero));
        }

        // assert: two retire, and the one that stays is the newest for fifo, the oldest for lifo
        var retired = new[] { (await _slots.ExpectMsgAsync<SlotStopped>()).Id, (await _slots.ExpectMsgAsync<SlotStopped>()).Id };
        var kept = strategy == PoolStrategy.Fifo ? newest.Id : oldest.Id;
        Assert.DoesNotContain(kept, retired);
        Assert.Contains(middle.Id, retired);
        // A retired slot has stopped, but the pool may not have seen it terminate yet: it is still listed as retiring.
        var status = await StatusAsync(pool);
        Assert.Equal(kept, Assert.Single(status.Workers, w => w.State != "retiring").Id);
    }

    [Fact]
    public async Task Should_keep_an_idle_surplus_worker_until_overflow_idle_timeout()
    {
        var pool = CreatePool(Settings(size: 1, maxOverflow: 1, overflowIdleTimeout: TimeSpan.FromMilliseconds(1500)));
        await ReadyWorkerAsync(pool);
        var first = await CheckoutAsync(pool);
        var waiting = Checkout(pool);
        MakeReady(pool, (await _slots.ExpectMsgAsync<SlotStarted>()).Id);
        var second = await waiting;

        pool.Tell(new Checkin(first, CheckinOutcome.Completed, 200, TimeSpan.Zero));
        pool.Tell(new Checkin(second, CheckinOutcome.Completed, 200, TimeSpan.Zero));
        await StatusAsync(pool);
        _clock.Advance(TimeSpan.FromMilliseconds(1499));

        await _slots.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(250));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await _slots.ExpectMsgAsync<SlotStopped>(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Should_reject_at_once_when_the_wait_queue_is_full()
    {
        var pool = CreatePool(Settings(size: 1, maxWaiting: 1));
        await ReadyWorkerAsync(pool);
        await CheckoutAsync(pool);
        var queued = Checkout(pool);

        var rejected = Checkout(pool);

        var error = await Assert.ThrowsAsync<CheckoutRejectedException>(() => rejected.WaitAsync(TimeSpan.FromSeconds(3)));
        Assert.Equal(CheckoutRejection.QueueFull, error.Reason);
        Assert.False(queued.IsCompleted);
    }

    [Fact]
    public async Task Should_answer_a_waiting_request_once_checkout_timeout_passes_on_the_pools_clock()
    {
        var pool = CreatePool(Settings(size: 1));
        await ReadyWorkerAsync(pool);
        await CheckoutAsync(pool);
        var waiting = Checkout(pool);
        await StatusAsync(pool);

        _clock.Advance(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<CheckoutRejectedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(3)));
        Assert.Equal((CheckoutRejection.TimedOut, "no worker became free within checkout-timeout 30s"), (error.Reason, error.Message));
        Assert.Equal(0, (await StatusAsync(pool)).Waiting);
    }

    [Fact]
    public async Task Should_not_count_abandoned_waiters_against_the_queue_bound()
    {
        var pool = CreatePool(Settings(size: 1, maxWaiting: 1));
        await ReadyWorkerAsync(pool);
        await CheckoutAsync(pool);
        var abandoned = new TaskCompletionSource<WorkerLease>(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.Tell(new Checkout(abandoned, "GET", "/"));
        abandoned.TrySetCanceled();

        var next = Checkout(pool);

        await StatusAsync(pool);
        Assert.False(next.IsCompleted, "the queue slot of a request that gave up must be free again");
    }

    [Fact]
    public async Task Should_give_a_lease_nobody_received_back_to_the_pool()
    {
        // arrange: the only worker is busy and a request waits for it
        var pool = CreatePool(Settings(size: 1));
        await ReadyWorkerAsync(pool);
        var busy = await CheckoutAsync(pool);
        var gaveUp = new TaskCompletionSource<WorkerLease>(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.Tell(new Checkout(gaveUp, "GET", "/"));
        Assert.Equal(1, (await StatusAsync(pool)).Waiting);

        // act: the waiting request times out just as the worker comes back
        gaveUp.TrySetCanceled();
        pool.Tell(new Checkin(busy, CheckinOutcome.Completed, 200, TimeSpan.Zero));

        // assert: the worker was not lost to the request that gave up
        var next = await Checkout(pool).WaitAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(busy.WorkerId, next.WorkerId);
    }

    [Fact]
    public async Task Should_survive_many_abandoned_checkouts_without_losing_workers()
    {
        var pool = CreatePool(Settings(size: 2, maxWaiting: 10_000));
        await ReadyWorkerAsync(pool);
        await ReadyWorkerAsync(pool);
        var leases = new[] { await CheckoutAsync(pool), await CheckoutAsync(pool) };
        var abandoned = Enumerable.Range(0, 500).Select(_ => new TaskCompletionSource<WorkerLease>(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        abandoned.ForEach(tcs => pool.Tell(new Checkout(tcs, "GET", "/")));

        abandoned.ForEach(tcs => tcs.TrySetCanceled());
        foreach (var lease in leases)
        {
            pool.Tell(new Checkin(lease, CheckinOutcome.Completed, 200, TimeSpan.Zero));
        }

        var again = new[] { await CheckoutAsync(pool), await CheckoutAsync(pool) };
        Assert.Equal(leases.Select(l => l.WorkerId).Order(), again.Select(l => l.WorkerId).Order());
    }

    [Fact]
    public async Task Should_ask_a_worker_whose_connection_failed_to_prove_it_is_alive_before_reuse()
    {
        var pool = CreatePool(Settings(size: 1));
        var worker = await ReadyWorkerAsync(pool);
        var lease = await CheckoutAsync(pool);

        pool.Tell(new Checkin(lease, CheckinOutcome.ConnectionFailed, 200, TimeSpan.Zero));

        await worker.Probe.ExpectMsgAsync<CheckWorkerHealth>();
        var next = Checkout(pool);
        await StatusAsync(pool);
        Assert.False(next.IsCompleted, "an unchecked worker must not be lent");
        pool.Tell(new WorkerHealthy(worker.Id, 1), worker.Probe);
        Assert.Equal(worker.Id, (await next.WaitAsync(TimeSpan.FromSeconds(3))).WorkerId);
    }

    [Fact]
    public async Task Should_recycle_a_worker_that_timed_out_and_lend_its_next_incarnation()
    {
        var pool = CreatePool(Settings(size: 1));
        var worker = await ReadyWorkerAsync(pool);
        var lease = await CheckoutAsync(pool);

        pool.Tell(new Checkin(lease, CheckinOutcome.TimedOut, 200, TimeSpan.Zero));

        await worker.Probe.ExpectMsgAsync<RecycleWorker>();
        var next = Checkout(pool);
        pool.Tell(new WorkerStopped(worker.Id, 1, StopCause.Recycled, "recycled", new ExitStatus(143)), worker.Probe);
        var reborn = CreateTestProbe();
        pool.Tell(new WorkerReady(worker.Id, 2, 4242, 20_999, 4242), reborn);
        var nextLease = await next.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(20_999, nextLease.Port);
    }

    [Fact]
    public async Task Should_ignore_the_checkin_of_a_lease_whose_worker_died_meanwhile()
    {
        var pool = CreatePool(Settings(size: 1));
        var worker = await ReadyWorkerAsync(pool);
        var lease = await CheckoutAsync(pool);
        pool.Tell(new WorkerStopped(worker.Id, 1, StopCause.Exited, "exited", new ExitStatus(137)), worker.Probe);

        pool.Tell(new Checkin(lease, CheckinOutcome.Completed, 200, TimeSpan.Zero));

        var status = await StatusAsync(pool);
        var single = Assert.Single(status.Workers);
        Assert.Equal("starting", single.State);
        Assert.Equal(1, single.Restarts);
        Assert.Contains("SIGKILL", single.LastExit);
    }

    [Fact]
    public async Task Should_fail_waiting_requests_and_stop_every_worker_on_stop()
    {
        var pool = CreatePool(Settings(size: 2));
        await ReadyWorkerAsync(pool);
        await ReadyWorkerAsync(pool);
        await CheckoutAsync(pool);
        await CheckoutAsync(pool);
        var waiting = Checkout(pool);

        var stopped = pool.Ask<PoolStopped>(StopPool.Instance, TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<CheckoutRejectedException>(() => waiting);
        Assert.Equal(CheckoutRejection.ShuttingDown, error.Reason);
        await _slots.ExpectMsgAsync<SlotStopped>();
        await _slots.ExpectMsgAsync<SlotStopped>();
        await stopped;
    }

    [Fact]
    public async Task Should_fail_fast_with_the_cause_while_workers_keep_dying_before_ready_and_recover_after()
    {
        // arrange: a pool of one whose worker dies three times before it is ever ready
        var pool = CreatePool(Settings(size: 1) with { CrashLoop = new CrashLoopSettings(3, TimeSpan.FromMinutes(1)) });
        var id = (await _slots.ExpectMsgAsync<SlotStarted>()).Id;
        var waiting = Checkout(pool);
        for (var i = 0; i < 3; i++)
        {
            pool.Tell(new WorkerStopped(id, i + 1, StopCause.Exited, "exited with exit code 1", new ExitStatus(1), WasReady: false, LastErrors: ["Error: Cannot find module 'app.js'"]));
        }

        // act
        var rejected = await Assert.ThrowsAsync<CheckoutRejectedException>(() => Checkout(pool).WaitAsync(TimeSpan.FromSeconds(3)));

        // assert: new and waiting requests are refused at once, with the cause
        Assert.Equal(CheckoutRejection.ServiceFailing, rejected.Reason);
        Assert.Contains("exit code 1", rejected.Message);
        Assert.Contains("Cannot find module 'app.js'", rejected.Message);
        await Assert.ThrowsAsync<CheckoutRejectedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(3)));
        Assert.NotNull((await StatusAsync(pool)).Failure);

        // and once a worker is ready again, requests are served
        MakeReady(pool, id, incarnation: 4);
        await CheckoutAsync(pool);
        Assert.Null((await StatusAsync(pool)).Failure);
    }

    [Fact]
    public async Task Should_not_fail_fast_when_workers_that_were_ready_crash()
    {
        var pool = CreatePool(Settings(size: 1) with { CrashLoop = new CrashLoopSettings(2, TimeSpan.FromMinutes(1)) });
        var worker = await ReadyWorkerAsync(pool);
        for (var i = 0; i < 3; i++)
        {
            pool.Tell(new WorkerStopped(worker.Id, i + 1, StopCause.Exited, "exited", new ExitStatus(1), WasReady: true), worker.Probe);
        }

        var waiting = Checkout(pool);

        await StatusAsync(pool);
        Assert.False(waiting.IsCompleted, "a request waits for the restarted worker");
    }

    [Fact]
    public async Task Should_replace_a_worker_after_max_requests_without_dipping_below_size()
    {
        // arrange: one worker, recycled after two requests
        var pool = CreatePool(Settings(size: 1), new RecycleSettings(2, 0, 0, TimeSpan.Zero, TimeSpan.FromHours(1)));
        var old = await ReadyWorkerAsync(pool);
        for (var i = 0; i < 2; i++)
        {
            pool.Tell(new Checkin(await CheckoutAsync(pool), CheckinOutcome.Completed, 200, TimeSpan.Zero));
        }

        // act: a replacement starts; until it is ready the old worker keeps serving
        var replacement = await _slots.ExpectMsgAsync<SlotStarted>();
        var meanwhile = await CheckoutAsync(pool);
        Assert.Equal(old.Id, meanwhile.WorkerId);
        pool.Tell(new Checkin(meanwhile, CheckinOutcome.Completed, 200, TimeSpan.Zero));
        await _slots.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        MakeReady(pool, replacement.Id);

        // assert: the old worker retires only now, and the new one serves
        Assert.Equal(old.Id, (await _slots.ExpectMsgAsync<SlotStopped>()).Id);
        Assert.Equal(replacement.Id, (await CheckoutAsync(pool)).WorkerId);
    }

    [Fact]
    public async Task Should_retire_a_worker_past_max_requests_only_once_its_request_is_done()
    {
        var pool = CreatePool(Settings(size: 1), new RecycleSettings(1, 0, 0, TimeSpan.Zero, TimeSpan.FromHours(1)));
        var old = await ReadyWorkerAsync(pool);
        pool.Tell(new Checkin(await CheckoutAsync(pool), CheckinOutcome.Completed, 200, TimeSpan.Zero));
        var replacement = await _slots.ExpectMsgAsync<SlotStarted>();
        var busy = await CheckoutAsync(pool);

        MakeReady(pool, replacement.Id);

        await _slots.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        pool.Tell(new Checkin(busy, CheckinOutcome.Completed, 200, TimeSpan.Zero));
        Assert.Equal(old.Id, (await _slots.ExpectMsgAsync<SlotStopped>()).Id);
    }

    private static PoolSettings Settings(int size = 1, int maxOverflow = 0, PoolStrategy strategy = PoolStrategy.Fifo,
        int maxWaiting = 100, TimeSpan? overflowIdleTimeout = null) =>
        new(size, maxOverflow, strategy, TimeSpan.FromSeconds(30), maxWaiting, overflowIdleTimeout ?? TimeSpan.Zero);

    private IActorRef CreatePool(PoolSettings settings, RecycleSettings? recycle = null)
    {
        var observer = _slots.Ref;
        var clock = _clock;
        return Sys.ActorOf(Props.Create(() => new PoolActor(settings, (id, _) => FakeSlot.Props(id, observer), recycle, clock)));
    }

    /// <summary>Waits for the pool to start a slot, then plays its worker announcing itself ready.</summary>
    private async Task<FakeWorker> ReadyWorkerAsync(IActorRef pool) => MakeReady(pool, (await _slots.ExpectMsgAsync<SlotStarted>()).Id);

    private FakeWorker MakeReady(IActorRef pool, int id, int incarnation = 1)
    {
        var probe = CreateTestProbe();
        pool.Tell(new WorkerReady(id, incarnation, 1000 + id, 20_000 + id, 1000 + id), probe);
        return new FakeWorker(id, probe);
    }

    /// <summary>A status reply also proves the pool has handled every message sent before it.</summary>
    private static Task<PoolStatus> StatusAsync(IActorRef pool) => pool.Ask<PoolStatus>(GetPoolStatus.Instance, TimeSpan.FromSeconds(3));

    private static Task<WorkerLease> Checkout(IActorRef pool)
    {
        var reply = new TaskCompletionSource<WorkerLease>(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.Tell(new Checkout(reply, "GET", "/"));
        return reply.Task;
    }

    private static Task<WorkerLease> CheckoutAsync(IActorRef pool) => Checkout(pool).WaitAsync(TimeSpan.FromSeconds(3));

    private sealed record FakeWorker(int Id, TestProbe Probe);
}
