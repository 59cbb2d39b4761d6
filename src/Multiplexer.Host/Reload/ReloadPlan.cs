using Multiplexer.Actors.Config;

namespace Multiplexer.Host.Reload;

/// <summary>
/// What a reload does with a valid new configuration. Pool sizes, timeouts, buffering and recycling apply
/// at once; a changed start command, environment, working directory or other service setting replaces the
/// workers one at a time; listeners, admin, logging, the port range and the base URL need a restart.
/// </summary>
internal sealed class ReloadPlan
{
    private ReloadPlan(MultiplexerSettings running, bool rollsWorkers, IReadOnlyList<string> needsRestart)
    {
        Running = running;
        RollsWorkers = rollsWorkers;
        NeedsRestart = needsRestart;
    }

    /// <summary>The settings in force once applied: the new ones, with the old service settings unless the workers roll.</summary>
    public MultiplexerSettings Running { get; }

    public bool RollsWorkers { get; }

    /// <summary>The changes this reload leaves for a restart, as the log and <c>POST /reload</c> name them.</summary>
    public IReadOnlyList<string> NeedsRestart { get; }

    /// <summary>What <c>POST /reload</c> answers.</summary>
    public string Outcome
    {
        get
        {
            var outcome = RollsWorkers ? "applied; replacing the workers one at a time" : "applied";
            return NeedsRestart.Count > 0 ? $"{outcome}; needs a restart to take effect: {string.Join(", ", NeedsRestart)}" : outcome;
        }
    }

    public static ReloadPlan Between(MultiplexerSettings current, MultiplexerSettings next)
    {
        var rolls = current.Service with { Recycle = next.Service.Recycle } != next.Service;
        var service = rolls ? next.Service : current.Service;
        return new ReloadPlan(next with { Service = service }, rolls, RestartOnlyChanges(current, next));
    }

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
}
