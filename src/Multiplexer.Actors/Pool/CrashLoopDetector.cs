using Multiplexer.Actors.Config;
using Multiplexer.Actors.Workers;

namespace Multiplexer.Actors.Pool;

/// <summary>
/// Counts workers that die before they are ever ready. When they do so <c>failures</c> times within
/// <c>within</c> and no worker is ready, the pool is failing: it says why, quoting the last exit and stderr.
/// Owned by <see cref="PoolCore"/>.
/// </summary>
internal sealed class CrashLoopDetector(CrashLoopSettings settings)
{
    private readonly Queue<DateTimeOffset> _failures = new();

    /// <summary>Why the pool is failing, or null while it is not.</summary>
    public string? Failure { get; private set; }

    /// <summary>Records a start failure; true when it turns the pool from working to failing.</summary>
    public bool StartFailed(WorkerStopped stop, bool anyWorkerReady, DateTimeOffset now)
    {
        _failures.Enqueue(now);
        while (_failures.Peek() < now - settings.Within)
        {
            _failures.Dequeue();
        }
        if (_failures.Count < settings.Failures || anyWorkerReady)
        {
            return false;
        }
        var lastErrors = stop.LastErrors is { Count: > 0 } lines ? $"; last stderr: {string.Join(" | ", lines)}" : "";
        var wasFailing = Failure is not null;
        Failure = $"the service keeps failing to start ({_failures.Count} times within {settings.Within.TotalSeconds:0.#}s): worker {stop.WorkerId} {stop.Reason}{lastErrors}";
        return !wasFailing;
    }

    /// <summary>A worker became ready; true when that ends a failure.</summary>
    public bool WorkerReady()
    {
        _failures.Clear();
        var wasFailing = Failure is not null;
        Failure = null;
        return wasFailing;
    }
}
