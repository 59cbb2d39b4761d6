namespace Multiplexer.Host.Proxy;

/// <summary>One line per request, with the split the seed logged: total time, time in the worker, the multiplexer's own share.</summary>
internal static partial class AccessLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "{Method} {Target} {Status} worker={WorkerId} total={TotalMs:F1}ms worker_time={WorkerMs:F1}ms queue={QueueMs:F1}ms overhead={OverheadMs:F1}ms")]
    public static partial void Served(ILogger logger, string method, string target, int status, int workerId,
        double totalMs, double workerMs, double queueMs, double overheadMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "{Method} {Target} {Status} worker=- total={TotalMs:F1}ms: {Reason}")]
    public static partial void NotServed(ILogger logger, string method, string target, int status, double totalMs, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "{Method} {Target}: worker {WorkerId} on port {Port} failed: {Error} {Detail}")]
    public static partial void ForwardFailed(ILogger logger, string method, string target, int workerId, int port, string error, string? detail);
}
