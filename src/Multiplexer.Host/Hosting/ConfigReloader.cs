using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Hosting;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Multiplexer.Actors.Ports;
using Multiplexer.Actors.Processes;
using Multiplexer.Host.Proxy;

namespace Multiplexer.Host.Hosting;

/// <summary>
/// Re-reads the configuration file on SIGHUP (and on the admin listener's <c>POST /reload</c>). A file
/// that fails validation is rejected and the running pool is untouched. Pool sizes, timeouts and
/// recycling apply at once; a changed start command, environment or working directory rolls the
/// workers one at a time. Listeners, port range and logging need a restart, and the log says so.
/// </summary>
internal sealed partial class ConfigReloader(
    MultiplexerSettings initial,
    IRequiredActor<PoolActor> pool,
    IRequiredActor<PortRingActor> ports,
    WorkerProcessLauncher launcher,
    IServiceProvider services,
    ILogger<ConfigReloader> log) : IHostedService, IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private MultiplexerSettings _current = initial;
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

    /// <summary>Whether the process started with SIGHUP ignored, as under nohup: the lowest bit (signal 1) of SigIgn in /proc/self/status.</summary>
    private static bool HangupIgnored() =>
        ProcTable.Status(Environment.ProcessId, "SigIgn") is { } ignored
            && ulong.TryParse(ignored, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var mask)
            && (mask & 1) != 0;

    private async Task ReloadOnSignalAsync()
    {
        SignalReceived(log, _current.SourcePath);
        try
        {
            await ReloadAsync();
        }
        catch (Exception ex)
        {
            // Nobody awaits a signal's reload: a failure the loader does not report must still reach the log.
            ReloadFailed(log, ex);
        }
    }

    /// <summary>Reloads the file; returns what happened, one line per point, and whether it was applied.</summary>
    public async Task<(bool Applied, string Outcome)> ReloadAsync()
    {
        await _oneAtATime.WaitAsync();
        try
        {
            MultiplexerSettings next;
            try
            {
                next = SettingsLoader.Load(_current.SourcePath);
            }
            catch (SettingsException ex)
            {
                var errors = string.Join("\n", ex.Errors);
                Rejected(log, errors.Replace('\n', ';'));
                return (false, $"rejected, the running configuration stays:\n{errors}");
            }

            var restartNeeded = RestartOnlyChanges(_current, next);
            if (restartNeeded.Count > 0)
            {
                NeedsRestart(log, string.Join(", ", restartNeeded));
            }
            var roll = RollsWorkers(_current.Service, next.Service);
            var service = roll ? next.Service : _current.Service;
            var slots = PoolActor.SlotFactory(service, await ports.GetAsync(), launcher);
            (await pool.GetAsync()).Tell(new Reconfigure(next.Pool, next.Service.Recycle, slots, roll));
            // Resolved here, not injected: the endpoint needs the pool actor, which exists only once the host runs.
            services.GetRequiredService<ProxyEndpoint>().Apply(next);
            _current = next with { Service = service };
            Applied(log, roll);
            var outcome = roll ? "applied; replacing the workers one at a time" : "applied";
            return (true, restartNeeded.Count > 0 ? $"{outcome}; needs a restart to take effect: {string.Join(", ", restartNeeded)}" : outcome);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose()
    {
        _hangup?.Dispose();
        _oneAtATime.Dispose();
    }

    private static bool RollsWorkers(ServiceSettings current, ServiceSettings next) =>
        current with { Recycle = next.Recycle } != next;

    private static List<string> RestartOnlyChanges(MultiplexerSettings current, MultiplexerSettings next)
    {
        var changes = new List<string>();
        if (current.Http with { ProxyTimeout = next.Http.ProxyTimeout, RequestBuffering = next.Http.RequestBuffering,
                ResponseBuffering = next.Http.ResponseBuffering, BufferMemory = next.Http.BufferMemory } != next.Http)
        {
            changes.Add("http listener or limits");
        }
        if (current.Admin != next.Admin)
        {
            changes.Add("admin");
        }
        if (current.Logging != next.Logging)
        {
            changes.Add("logging");
        }
        if (current.Service.PortRange != next.Service.PortRange || current.Service.BaseUrl != next.Service.BaseUrl)
        {
            changes.Add("service.port-range or service.base-url");
        }
        return changes;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIGHUP is ignored in this process (started under nohup?): it will not reload the configuration; POST /reload on the admin listener does")]
    private static partial void SignalIgnored(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "SIGHUP: reloading the configuration from {Path}")]
    private static partial void SignalReceived(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Configuration reload failed")]
    private static partial void ReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Configuration reload rejected, the running configuration stays: {Errors}")]
    private static partial void Rejected(ILogger logger, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration reload: these changes need a restart to take effect: {Changes}")]
    private static partial void NeedsRestart(ILogger logger, string changes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration reloaded (workers replaced: {Rolled})")]
    private static partial void Applied(ILogger logger, bool rolled);
}
