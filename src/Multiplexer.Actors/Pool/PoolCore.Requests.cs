namespace Multiplexer.Actors.Pool;

/// <summary>
/// The pool core's view of the requests on its workers: what each is doing now and did last, and the
/// slow-request warning. One timer serves every request: at most one check is pending, due when the
/// earliest request not yet warned about passes http.slow-request, so a request costs no timer of its own.
/// </summary>
internal sealed partial class PoolCore
{
    private DateTimeOffset? _slowCheckAt;
    private long _slowRequests;

    /// <summary>The slow-request check scheduled earlier is due: warns once for every request past the threshold, and looks ahead to the next.</summary>
    public IReadOnlyList<PoolDecision> SlowCheckDue()
    {
        _slowCheckAt = null;
        var threshold = _settings.SlowRequest;
        if (threshold > TimeSpan.Zero)
        {
            var now = Now;
            foreach (var worker in _workers.Values)
            {
                if (worker.RequestStartedAt is { } started && !worker.RequestWarnedSlow && now - started >= threshold)
                {
                    worker.RequestWarnedSlow = true;
                    _slowRequests++;
                    Decide(new PoolLog(PoolLogLevel.Warning,
                        "Slow request on worker {WorkerId} (pid {Pid}, port {Port}): {Method} {Target} running for {ElapsedMs:F0} ms",
                        worker.Id, worker.Pid, worker.Port, worker.RequestMethod, worker.RequestTarget, (now - started).TotalMilliseconds));
                }
            }
        }
        WatchForSlowRequests();
        return Decided();
    }

    /// <summary>
    /// Unless a check is pending already, schedules one for when the earliest request not yet warned
    /// about passes the threshold. A pending check is never moved: when it comes, it looks again.
    /// </summary>
    private void WatchForSlowRequests()
    {
        if (_slowCheckAt is not null || _settings.SlowRequest <= TimeSpan.Zero)
        {
            return;
        }
        DateTimeOffset? earliest = null;
        foreach (var worker in _workers.Values)
        {
            if (worker.RequestStartedAt is { } started && !worker.RequestWarnedSlow && (earliest is null || started < earliest))
            {
                earliest = started;
            }
        }
        if (earliest is { } first)
        {
            _slowCheckAt = first + _settings.SlowRequest;
            Decide(new ScheduleSlowCheck(_slowCheckAt));
        }
    }

    /// <summary>The threshold may have changed with a reload: the pending check gives way to one for the new threshold.</summary>
    private void RewatchSlowRequests()
    {
        if (_slowCheckAt is not null)
        {
            _slowCheckAt = null;
            Decide(new ScheduleSlowCheck(null));
        }
        WatchForSlowRequests();
    }

    /// <summary>The worker has no request any more: checked in, unclaimed, or its process gone.</summary>
    private static void EndRequest(PooledWorker worker) => worker.RequestStartedAt = null;

    private static WorkerRequest? RequestOf(PooledWorker worker, DateTimeOffset now) =>
        worker.RequestStartedAt is { } started && worker.State == PooledWorkerState.Busy
            ? new WorkerRequest(worker.RequestMethod!, worker.RequestTarget!, started, (now - started).TotalMilliseconds)
            : null;

    private static WorkerLastRequest? LastRequestOf(PooledWorker worker) =>
        worker.LastEndedAt is { } ended
            ? new WorkerLastRequest(worker.LastMethod!, worker.LastTarget!, worker.LastStatus, worker.LastDuration.TotalMilliseconds, ended)
            : null;
}
