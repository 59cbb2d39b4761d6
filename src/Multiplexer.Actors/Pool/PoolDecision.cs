namespace Multiplexer.Actors.Pool;

/// <summary>
/// What <see cref="PoolCore"/> decided; <see cref="PoolActor"/> carries the decisions out in the order
/// given. They name workers by id: which actor or timer that means is the actor's business.
/// </summary>
internal abstract record PoolDecision;

/// <summary>Start the slot (a worker supervisor) of a new worker.</summary>
internal sealed record StartSlot(int WorkerId) : PoolDecision;

/// <summary>Stop a worker's slot for good: it retires, or the pool stops. The pool hears back through <see cref="PoolCore.SlotTerminated"/>.</summary>
internal sealed record StopSlot(int WorkerId) : PoolDecision;

/// <summary>
/// Hand the lease to the request. When the request has just given up (its reply is already completed),
/// the lease goes back through <see cref="PoolCore.Unclaimed"/>, so a worker is never lost to it.
/// </summary>
internal sealed record GrantLease(TaskCompletionSource<WorkerLease> Reply, WorkerLease Lease) : PoolDecision;

/// <summary>Refuse the request at once.</summary>
internal sealed record RejectCheckout(TaskCompletionSource<WorkerLease> Reply, CheckoutRejection Reason, string Message) : PoolDecision;

/// <summary>Ask the worker's ready incarnation whether it still accepts connections; it answers with a <c>WorkerHealthy</c> or stops.</summary>
internal sealed record CheckHealth(int WorkerId) : PoolDecision;

/// <summary>Tell the worker's ready incarnation to kill its process; its supervisor starts the next one.</summary>
internal sealed record ReplaceProcess(int WorkerId, string Reason) : PoolDecision;

/// <summary>Call <see cref="PoolCore.RetirementDue"/> at <paramref name="At"/> on the pool's clock, instead of any check scheduled before.</summary>
internal sealed record ScheduleRetirementCheck(DateTimeOffset At) : PoolDecision;

/// <summary>Call <see cref="PoolCore.SlowCheckDue"/> at <paramref name="At"/> on the pool's clock, instead of any check scheduled before; null: never.</summary>
internal sealed record ScheduleSlowCheck(DateTimeOffset? At) : PoolDecision;

/// <summary>Call <see cref="PoolCore.ExpiryCheckDue"/> at <paramref name="At"/> on the pool's clock, instead of any check scheduled before; null: never.</summary>
internal sealed record ScheduleExpiryCheck(DateTimeOffset? At) : PoolDecision;

/// <summary>Call <see cref="PoolCore.RecycleCheckDue"/> every <paramref name="Interval"/>; null: never.</summary>
internal sealed record ScheduleRecycleChecks(TimeSpan? Interval) : PoolDecision;

/// <summary>Measure the RSS of these process groups, away from the pool, and hand it to <see cref="PoolCore.MemoryScanned"/>.</summary>
internal sealed record ScanMemory(IReadOnlyList<int> ProcessGroups) : PoolDecision;

/// <summary>Answer everyone waiting for the pool to be warm: warm (null) or failing with this cause.</summary>
internal sealed record AnswerWarmWaiters(string? Failure) : PoolDecision;

/// <summary>Every slot has stopped after <see cref="PoolCore.Stop"/>: tell whoever asked.</summary>
internal sealed record ReportStopped : PoolDecision
{
    public static ReportStopped Instance { get; } = new();
}

/// <summary>A lifecycle line for the log, as a template with its arguments.</summary>
internal sealed partial record PoolLog(PoolLogLevel Level, string Template, params object?[] Args) : PoolDecision
{
    /// <summary>The line as the log shows it: the named placeholders filled in order, as Akka's formatter does.</summary>
    public override string ToString()
    {
        var position = 0;
        var positional = NamedPlaceholder().Replace(Template, match => $"{{{position++}{match.Groups[1].Value}}}");
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, positional, Args);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{[A-Za-z]\w*(:[^}]*)?\}")]
    private static partial System.Text.RegularExpressions.Regex NamedPlaceholder();
}

internal enum PoolLogLevel
{
    Info,
    Warning,
    Error,
}
