using Multiplexer.Actors.Config;

namespace Multiplexer.Actors.Pool;

/// <summary>
/// The pool core's recycling: workers past max-requests, max-memory or max-lifetime, and a reload's
/// rolling replacement, give way to fresh ones between requests, never leaving fewer than <c>size</c> ready.
/// </summary>
internal sealed partial class PoolCore
{
    private const string Reloaded = "the configuration was reloaded";

    private int _generation;
    private bool _scanningMemory;

    /// <summary>
    /// New settings from a reloaded configuration: sizes, timeouts and recycling apply at once; with
    /// <paramref name="rollWorkers"/> every worker is replaced, one at a time, each new one ready before an old one retires.
    /// </summary>
    public IReadOnlyList<PoolDecision> Reconfigure(PoolSettings settings, RecycleSettings recycle, bool rollWorkers)
    {
        _settings = settings;
        _recycle = new RecyclePolicy(recycle);
        _crashLoop = new CrashLoopDetector(settings.CrashLoop);
        Decide(new ScheduleRecycleChecks(_recycle.Enabled ? _recycle.CheckInterval : null));
        if (rollWorkers)
        {
            _generation++;
            Log("Configuration reloaded: replacing {Workers} workers one at a time", ActiveCount);
        }
        else
        {
            Log("Configuration reloaded: size {Size}, max-overflow {MaxOverflow}, strategy {Strategy}", _settings.Size, _settings.MaxOverflow, _settings.Strategy);
        }
        while (ActiveCount < _settings.Size)
        {
            StartSlot();
        }
        RetireIdleSurplus();
        StartSparesIfNeeded();
        RollNext();
        RewatchSlowRequests();
        RewatchWaitingRequests();
        return Decided();
    }

    /// <summary>The periodic check for what only time reveals: lifetime, and memory grown by the worker's own doing.</summary>
    public IReadOnlyList<PoolDecision> RecycleCheckDue()
    {
        if (!_recycle.WatchesMemory)
        {
            CheckForRecycling(rssBytes: null);
        }
        else if (!_scanningMemory)
        {
            // Walking /proc takes milliseconds: it happens away from the pool, which hears back in MemoryScanned.
            _scanningMemory = true;
            Decide(new ScanMemory([.. RecycleCandidates().Select(w => w.Pgid!.Value)]));
        }
        return Decided();
    }

    /// <summary>The RSS of each worker's process group, by process group id, measured for <see cref="ScanMemory"/>.</summary>
    public IReadOnlyList<PoolDecision> MemoryScanned(IReadOnlyDictionary<int, long> rssBytes)
    {
        _scanningMemory = false;
        CheckForRecycling(rssBytes);
        return Decided();
    }

    private void CheckForRecycling(IReadOnlyDictionary<int, long>? rssBytes)
    {
        var now = Now;
        foreach (var worker in RecycleCandidates().ToList())
        {
            MarkForRecycling(worker, _recycle.Reason(worker, now, rssBytes?.GetValueOrDefault(worker.Pgid!.Value)));
            if (worker.RecycleReason is not null && worker.State == PooledWorkerState.Idle && ReplacementReady(worker))
            {
                Retire(worker, $"recycled: {worker.RecycleReason}");
            }
        }
    }

    private IEnumerable<PooledWorker> RecycleCandidates() =>
        _workers.Values.Where(w => w.ReadySince is not null && w.Pgid is not null && w.RecycleReason is null);

    /// <summary>On release: retires the worker if it is due for recycling and nothing waits for its replacement.</summary>
    private bool RetireIfRecycled(PooledWorker worker)
    {
        if (_recycle.Enabled && worker.RecycleReason is null)
        {
            MarkForRecycling(worker, _recycle.Reason(worker, Now, rssBytes: null));
        }
        if (worker.RecycleReason is null || !ReplacementReady(worker))
        {
            return false;
        }
        Retire(worker, $"recycled: {worker.RecycleReason}");
        StartOverflowIfNeeded();
        return true;
    }

    private bool ReplacementReady(PooledWorker worker) =>
        worker.Replacement is null || worker.Replacement.ReadySince is not null || !_workers.ContainsKey(worker.Replacement.Id);

    /// <summary>
    /// Marks a worker to give way to a fresh one. When the pool would drop below size without it, a
    /// replacement starts first, and the worker keeps serving until the replacement is ready.
    /// </summary>
    private void MarkForRecycling(PooledWorker worker, string? reason)
    {
        if (reason is null || worker.RecycleReason is not null)
        {
            return;
        }
        worker.RecycleReason = reason;
        var staying = _workers.Values.Count(w => w.State != PooledWorkerState.Retiring && w.RecycleReason is null);
        if (staying < _settings.Size)
        {
            worker.Replacement = _workers[StartSlot()];
            Log("Worker {WorkerId} is to be recycled ({Reason}); worker {ReplacementId} starts to take its place", worker.Id, reason, worker.Replacement.Id);
        }
        else
        {
            Log("Worker {WorkerId} is to be recycled ({Reason})", worker.Id, reason);
        }
    }

    /// <summary>Marks the next worker of an older configuration for replacement, once the previous one is done.</summary>
    private void RollNext()
    {
        var old = _workers.Values.Where(w => w.Generation < _generation && w.State != PooledWorkerState.Retiring).ToList();
        if (old.Count == 0 || old.Any(w => w.RecycleReason is not null))
        {
            return;
        }
        var next = old.MinBy(w => w.Id)!;
        MarkForRecycling(next, Reloaded);
        if (next.State == PooledWorkerState.Idle && next.Replacement is null)
        {
            Retire(next, $"recycled: {Reloaded}");
        }
    }
}
