namespace Multiplexer.Actors.Pool;

/// <summary>
/// Requests waiting for a worker, longest waiting first, each with the moment it began to wait (a
/// monotonic timestamp, so a step of the wall clock neither expires nor prolongs a wait). A request
/// that gave up (client gone) completed its reply itself; it is passed over and dropped, and never counts
/// against max-waiting.
/// </summary>
internal sealed class WaitQueue
{
    private readonly LinkedList<(Checkout Request, long Since)> _requests = new();

    /// <summary>How many wait, counting those that gave up and were not passed over yet.</summary>
    public int Count => _requests.Count;

    /// <param name="since">When it began to wait, as <see cref="TimeProvider.GetTimestamp"/> counts.</param>
    public void Enqueue(Checkout request, long since) => _requests.AddLast((request, since));

    /// <summary>Takes out the longest-waiting request that still waits, or null.</summary>
    public Checkout? TakeLive()
    {
        while (_requests.First is { } first)
        {
            _requests.RemoveFirst();
            if (!first.Value.Request.Reply.Task.IsCompleted)
            {
                return first.Value.Request;
            }
        }
        return null;
    }

    /// <summary>Takes out every live request that has waited <paramref name="timeout"/> or longer: they are at the front.</summary>
    public List<Checkout> TakeWaitingLongerThan(TimeSpan timeout, TimeProvider clock)
    {
        var expired = new List<Checkout>();
        while (_requests.First is { } first && clock.GetElapsedTime(first.Value.Since) >= timeout)
        {
            _requests.RemoveFirst();
            if (!first.Value.Request.Reply.Task.IsCompleted)
            {
                expired.Add(first.Value.Request);
            }
        }
        return expired;
    }

    /// <summary>The timestamp since which the longest-waiting live request waits, or null when none does.</summary>
    public long? LongestWaitingSince()
    {
        while (_requests.First is { } first && first.Value.Request.Reply.Task.IsCompleted)
        {
            _requests.RemoveFirst();
        }
        return _requests.First?.Value.Since;
    }

    /// <summary>Whether <paramref name="max"/> live requests already wait; drops the abandoned ones only when the bound is reached.</summary>
    public bool IsFull(int max) => _requests.Count >= max && LiveCount() >= max;

    /// <summary>Drops the requests that gave up; returns how many still wait.</summary>
    public int LiveCount()
    {
        for (var node = _requests.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Request.Reply.Task.IsCompleted)
            {
                _requests.Remove(node);
            }
            node = next;
        }
        return _requests.Count;
    }

    /// <summary>Empties the queue; returns the requests that still waited.</summary>
    public List<TaskCompletionSource<WorkerLease>> TakeAll()
    {
        var live = _requests.Select(r => r.Request.Reply).Where(r => !r.Task.IsCompleted).ToList();
        _requests.Clear();
        return live;
    }
}
