namespace Multiplexer.Host.Hosting;

/// <summary>
/// The application lifetime as the host's console or systemd lifetime sees it. Those stop the host on
/// SIGTERM, SIGINT and SIGQUIT (they cancel the signal's default action and call
/// <see cref="StopApplication"/>); here that call goes to <see cref="ShutdownDelay"/> instead. Everything
/// else, their start and stop messages and systemd's READY=1 and STOPPING=1, is theirs unchanged.
/// </summary>
internal sealed class SignalStopLifetime(IHostApplicationLifetime lifetime, ShutdownDelay delay) : IHostApplicationLifetime
{
    public CancellationToken ApplicationStarted => lifetime.ApplicationStarted;

    public CancellationToken ApplicationStopping => lifetime.ApplicationStopping;

    public CancellationToken ApplicationStopped => lifetime.ApplicationStopped;

    public void StopApplication() => delay.OnStopSignal();
}
