using Akka.Actor;
using Akka.Hosting;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Multiplexer.Actors.Ports;
using Multiplexer.Actors.Processes;
using Multiplexer.Host.Hosting;

namespace Multiplexer.Host.Reload;

/// <summary>
/// Re-reads the configuration file (on SIGHUP and on the admin listener's <c>POST /reload</c>). A file that
/// fails validation is rejected and the running pool is untouched; a valid one goes to the pool as a
/// <see cref="Reconfigure"/> and to every feature through <see cref="LiveSettings"/>, as <see cref="ReloadPlan"/> decides.
/// </summary>
internal sealed partial class ConfigReloader(
    LiveSettings live,
    IRequiredActor<PoolActor> pool,
    IRequiredActor<PortRingActor> ports,
    WorkerProcessLauncher launcher,
    ILogger<ConfigReloader> log) : IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public string SourcePath => live.Current.SourcePath;

    /// <summary>Reloads the file; returns what happened, one line per point, and whether it was applied.</summary>
    public async Task<(bool Applied, string Outcome)> ReloadAsync()
    {
        await _oneAtATime.WaitAsync();
        try
        {
            var current = live.Current;
            MultiplexerSettings next;
            try
            {
                next = SettingsLoader.Load(current.SourcePath);
            }
            catch (SettingsException ex)
            {
                var errors = string.Join("\n", ex.Errors);
                Rejected(log, errors.Replace('\n', ';'));
                return (false, $"rejected, the running configuration stays:\n{errors}");
            }

            var plan = ReloadPlan.Between(current, next);
            if (plan.NeedsRestart.Count > 0)
            {
                NeedsRestart(log, string.Join(", ", plan.NeedsRestart));
            }
            var slots = PoolActor.SlotFactory(plan.Running.Service, await ports.GetAsync(), launcher);
            (await pool.GetAsync()).Tell(new Reconfigure(next.Pool, next.Service.Recycle, slots, plan.RollsWorkers));
            live.Swap(plan.Running);
            Applied(log, plan.RollsWorkers);
            return (true, plan.Outcome);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Configuration reload rejected, the running configuration stays: {Errors}")]
    private static partial void Rejected(ILogger logger, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration reload: these changes need a restart to take effect: {Changes}")]
    private static partial void NeedsRestart(ILogger logger, string changes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration reloaded (workers replaced: {Rolled})")]
    private static partial void Applied(ILogger logger, bool rolled);
}
