using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Xunit;
using static Multiplexer.Actors.Tests.Pool.PoolCoreDriver;

namespace Multiplexer.Actors.Tests.Pool;

/// <summary>The pool core's recycling (max-requests, max-memory, max-lifetime) and a reload's rolling replacement.</summary>
public sealed class PoolCoreRecyclingSpecs
{
    [Fact]
    public void Should_replace_a_worker_after_max_requests_keeping_it_serving_until_its_replacement_is_ready()
    {
        // arrange: one worker, recycled after two requests
        var pool = new PoolCoreDriver(Settings(size: 1), Recycle(maxRequests: 2));
        pool.ReadyAll();
        pool.Serve();
        pool.Serve();

        // act: a replacement starts; until it is ready the old worker serves on
        Assert.Equal([1, 2], pool.Started);
        Assert.Equal(1, pool.Serve());
        Assert.Empty(pool.Stopped);
        pool.Ready(2);

        // assert: the old worker retires only now, and the new one serves
        Assert.Equal([1], pool.Stopped);
        Assert.Contains(pool.Log, l => l.Contains("recycled: served 2 requests (max-requests 2)", StringComparison.Ordinal));
        Assert.Equal(2, pool.Serve());
    }

    [Fact]
    public void Should_recycle_each_incarnation_after_max_requests_plus_its_own_draw_of_jitter()
    {
        var random = new FixedRandom(2);
        var pool = new PoolCoreDriver(Settings(size: 1), Recycle(maxRequests: 3, jitter: 4), random);
        pool.ReadyAll();

        for (var i = 0; i < 4; i++)
        {
            pool.Serve();
        }
        Assert.Equal([1], pool.Started);
        pool.Serve();

        Assert.Equal([1, 2], pool.Started);
        Assert.Equal([5L], random.Bounds);
    }

    [Fact]
    public void Should_retire_a_worker_due_for_recycling_only_once_its_request_is_done()
    {
        var pool = new PoolCoreDriver(Settings(size: 1), Recycle(maxRequests: 1));
        pool.ReadyAll();
        pool.Serve();
        var busy = pool.Lease();

        pool.Ready(2);

        Assert.Empty(pool.Stopped);
        pool.Checkin(busy);
        Assert.Equal([1], pool.Stopped);
    }

    [Fact]
    public void Should_measure_memory_away_from_the_pool_and_recycle_a_worker_past_max_memory()
    {
        // arrange
        var pool = new PoolCoreDriver(Settings(size: 1), Recycle(maxMemory: 200L << 20));
        pool.ReadyAll();

        // act: the check asks for a scan, once, and decides only on its result
        pool.Apply(pool.Core.RecycleCheckDue());
        Assert.Equal([Pgid(1)], pool.MemoryScanFor);
        pool.Apply(pool.Core.RecycleCheckDue());
        Assert.Equal(1, pool.Count<ScanMemory>());
        pool.Apply(pool.Core.MemoryScanned(new Dictionary<int, long> { [Pgid(1)] = 300L << 20 }));

        // assert: a replacement starts, and the old worker leaves once it is ready
        Assert.Equal([1, 2], pool.Started);
        Assert.Empty(pool.Stopped);
        pool.Ready(2);
        Assert.Equal([1], pool.Stopped);
        Assert.Contains(pool.Log, l => l.Contains("recycled: using 300MB (max-memory 200MB)", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_recycle_workers_past_max_lifetime_each_after_its_replacement_is_ready()
    {
        var pool = new PoolCoreDriver(Settings(size: 2), Recycle(maxLifetime: TimeSpan.FromHours(1)));
        pool.ReadyAll();
        Assert.Equal(TimeSpan.FromSeconds(10), Assert.Single(pool.Decisions.OfType<ScheduleRecycleChecks>()).Interval);

        pool.Advance(TimeSpan.FromHours(1));
        pool.Apply(pool.Core.RecycleCheckDue());

        Assert.Equal([1, 2, 3, 4], pool.Started);
        Assert.Empty(pool.Stopped);
        pool.ReadyAll();
        Assert.Equal([1, 2], pool.Stopped);
        Assert.Contains(pool.Log, l => l.Contains("recycled: running for 3600s (max-lifetime 1h)", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_roll_every_worker_on_reload_one_at_a_time_each_replacement_ready_before_an_old_one_leaves()
    {
        // arrange
        var pool = new PoolCoreDriver(Settings(size: 2));
        pool.ReadyAll();

        // act and assert: one replacement at a time, never fewer than two workers ready
        pool.Apply(pool.Core.Reconfigure(Settings(size: 2), RecycleSettings.Off, rollWorkers: true));
        Assert.Equal([1, 2, 3], pool.Started);
        Assert.Empty(pool.Stopped);

        pool.Ready(3);
        Assert.Equal([1], pool.Stopped);
        Assert.Equal([1, 2, 3, 4], pool.Started);
        Assert.Equal(2, ReadyCount(pool));

        pool.Ready(4);
        Assert.Equal([1, 2], pool.Stopped);
        Assert.Equal(2, ReadyCount(pool));
        Assert.Equal(2, pool.Log.Count(l => l.Contains("recycled: the configuration was reloaded", StringComparison.Ordinal)));
    }

    [Fact]
    public void Should_apply_a_larger_size_from_a_reload_at_once()
    {
        var pool = new PoolCoreDriver(Settings(size: 1));
        pool.ReadyAll();

        pool.Apply(pool.Core.Reconfigure(Settings(size: 3), RecycleSettings.Off, rollWorkers: false));

        Assert.Equal([1, 2, 3], pool.Started);
        Assert.Empty(pool.Stopped);
    }

    private static int ReadyCount(PoolCoreDriver pool) => pool.Status.Workers.Count(w => w.State is "idle" or "busy");

    private static RecycleSettings Recycle(long maxRequests = 0, long jitter = 0, long maxMemory = 0, TimeSpan? maxLifetime = null) =>
        new(maxRequests, jitter, maxMemory, maxLifetime ?? TimeSpan.Zero, TimeSpan.FromSeconds(10));

    /// <summary>Always draws <paramref name="value"/>, and notes the bounds it was asked for.</summary>
    private sealed class FixedRandom(long value) : Random
    {
        public List<long> Bounds { get; } = [];

        public override long NextInt64(long maxValue)
        {
            Bounds.Add(maxValue);
            return value;
        }
    }
}
