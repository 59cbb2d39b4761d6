using Multiplexer.Actors.Config;

namespace Multiplexer.Actors.Pool;

/// <summary>
/// The idle workers in the order they went idle, least recently used first: fifo lends from the front,
/// lifo from the back. The front is also the one idle the longest.
/// </summary>
internal sealed class IdleWorkers : IEnumerable<PooledWorker>
{
    private readonly LinkedList<PooledWorker> _workers = new();

    public int Count => _workers.Count;

    /// <summary>The one idle the longest, or null.</summary>
    public PooledWorker? Longest => _workers.First?.Value;

    public void Add(PooledWorker worker, DateTimeOffset now)
    {
        worker.State = PooledWorkerState.Idle;
        worker.IdleSince = now;
        worker.IdleNode = _workers.AddLast(worker);
    }

    /// <summary>Takes out the next worker to lend by <paramref name="strategy"/>, or null when none is idle.</summary>
    public PooledWorker? Take(PoolStrategy strategy)
    {
        var worker = strategy == PoolStrategy.Fifo ? _workers.First?.Value : _workers.Last?.Value;
        if (worker is not null)
        {
            Remove(worker);
        }
        return worker;
    }

    public void Remove(PooledWorker worker)
    {
        if (worker.IdleNode is { } node)
        {
            _workers.Remove(node);
            worker.IdleNode = null;
        }
    }

    public IEnumerator<PooledWorker> GetEnumerator() => _workers.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
