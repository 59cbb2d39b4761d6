namespace Multiplexer.Host.Hosting;

/// <summary>
/// <c>http.shutdown-delay</c>: on SIGTERM or SIGINT the node reports itself shutting down at once
/// (<c>/healthz</c> answers 503) but goes on serving for the delay, so that a load balancer stops
/// sending it requests before it stops accepting them; then the host stops as it always did. A second
/// signal cuts the rest of the delay short.
/// </summary>
internal sealed partial class ShutdownDelay(IHostApplicationLifetime lifetime, LiveSettings live, ILogger<ShutdownDelay> log)
{
    private readonly TaskCompletionSource _cutShort = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _signals;

    /// <summary>From the first stop signal on, and whenever the host stops for any other reason.</summary>
    public bool ShuttingDown => Volatile.Read(ref _signals) > 0 || lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>What a stop signal does, in place of stopping the host at once.</summary>
    public void OnStopSignal()
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            _cutShort.TrySetResult();
            return;
        }
        var delay = live.Started.Http.ShutdownDelay;
        if (delay <= TimeSpan.Zero)
        {
            lifetime.StopApplication();
            return;
        }
        _ = StopAfterAsync(delay);
    }

    private async Task StopAfterAsync(TimeSpan delay)
    {
        DelayStarted(log, delay.TotalSeconds);
        var started = TimeProvider.System.GetTimestamp();
        var ended = await Task.WhenAny(Task.Delay(delay), _cutShort.Task);
        var served = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        if (ended == _cutShort.Task)
        {
            DelayCutShort(log, served);
        }
        else
        {
            DelayEnded(log, served);
        }
        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stop signal: /healthz reports shutting down; serving on for the shutdown delay of {Seconds:0.###}s")]
    private static partial void DelayStarted(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutdown delay over after {Seconds:0.###}s: stopping")]
    private static partial void DelayEnded(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Second stop signal: shutdown delay cut short after {Seconds:0.###}s: stopping")]
    private static partial void DelayCutShort(ILogger logger, double seconds);
}
