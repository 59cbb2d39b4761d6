namespace Multiplexer.Actors.Pool;

/// <summary>
/// Requests waiting for a worker, longest waiting first. A request that gave up (timeout, client gone)
/// completed its reply itself; it is passed over and dropped, and never counts against max-waiting.
/// </summary>
internal sealed class WaitQueue
{
    private readonly LinkedList<Checkout> _replies = new();

    /// <summary>How many wait, counting those that gave up and were not passed over yet.</summary>
    public int Count => _replies.Count;

    public void Enqueue(Checkout request) => _replies.AddLast(request);

    /// <summary>Takes out the longest-waiting request that still waits, or null.</summary>
    public Checkout? TakeLive()
    {
        while (_replies.First is { } first)
        {
            _replies.RemoveFirst();
            if (!first.Value.Reply.Task.IsCompleted)
            {
                return first.Value;
            }
        }
        return null;
    }

    /// <summary>Whether <paramref name="max"/> live requests already wait; drops the abandoned ones only when the bound is reached.</summary>
    public bool IsFull(int max) => _replies.Count >= max && LiveCount() >= max;

    /// <summary>Drops the requests that gave up; returns how many still wait.</summary>
    public int LiveCount()
    {
        for (var node = _replies.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Reply.Task.IsCompleted)
            {
                _replies.Remove(node);
            }
            node = next;
        }
        return _replies.Count;
    }

    /// <summary>Empties the queue; returns the requests that still waited.</summary>
    public List<TaskCompletionSource<WorkerLease>> TakeAll()
    {
        var live = _replies.Select(r => r.Reply).Where(r => !r.Task.IsCompleted).ToList();
        _replies.Clear();
        return live;
    }
}
