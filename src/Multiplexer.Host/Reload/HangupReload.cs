using System.Globalization;
using System.Runtime.InteropServices;
using Multiplexer.Actors.Processes;

namespace Multiplexer.Host.Reload;

// Logs under the reloader's category: one category for all a reload says.
/// <summary>Reloads the configuration on SIGHUP (<c>systemctl reload</c>), instead of letting the signal end the process.</summary>
internal sealed partial class HangupReload(ConfigReloader reloader, ILogger<ConfigReloader> log) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _hangup;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (HangupIgnored())
        {
            // An ignored signal stays ignored for the runtime too: no handler would ever run.
            SignalIgnored(log);
        }
        // Cancelling the default action keeps SIGHUP from terminating the process.
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _ = ReloadOnSignalAsync();
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _hangup?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _hangup?.Dispose();

    /// <summary>Whether the process started with SIGHUP ignored, as under nohup: the lowest bit (signal 1) of SigIgn in /proc/self/status.</summary>
    private static bool HangupIgnored() =>
        ProcTable.Status(Environment.ProcessId, "SigIgn") is { } ignored
            && ulong.TryParse(ignored, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask)
            && (mask & 1) != 0;

    private async Task ReloadOnSignalAsync()
    {
        SignalReceived(log, reloader.SourcePath);
        try
        {
            await reloader.ReloadAsync();
        }
        catch (Exception ex)
        {
            // Nobody awaits a signal's reload: a failure the loader does not report must still reach the log.
            ReloadFailed(log, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIGHUP is ignored in this process (started under nohup?): it will not reload the configuration; POST /reload on the admin listener does")]
    private static partial void SignalIgnored(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "SIGHUP: reloading the configuration from {Path}")]
    private static partial void SignalReceived(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Configuration reload failed")]
    private static partial void ReloadFailed(ILogger logger, Exception exception);
}
