namespace Multiplexer.Actors.Processes;

/// <summary>
/// What whole workers use: the sum over every live process in each one's process group, from /proc,
/// one pass for all the groups asked for. Keyed by process group id, never by a member's pid.
/// </summary>
public static class ProcessGroupUsage
{
    private static readonly long PageSize = Environment.SystemPageSize;

    /// <summary>Resident memory in bytes per process group.</summary>
    public static IReadOnlyDictionary<int, long> RssBytes(IReadOnlyCollection<int> pgids) =>
        Sum(pgids, stat => stat.RssPages * PageSize);

    /// <summary>CPU time (user plus system) in seconds per process group, of its present members.</summary>
    public static IReadOnlyDictionary<int, double> CpuSeconds(IReadOnlyCollection<int> pgids) =>
        Sum(pgids, stat => stat.CpuSeconds);

    private static Dictionary<int, T> Sum<T>(IReadOnlyCollection<int> pgids, Func<ProcStat, T> value)
        where T : System.Numerics.INumber<T>
    {
        var totals = pgids.Distinct().ToDictionary(pgid => pgid, _ => T.Zero);
        if (totals.Count == 0)
        {
            return totals;
        }
        foreach (var (_, stat) in ProcTable.Stats())
        {
            if (totals.TryGetValue(stat.ProcessGroup, out var sum))
            {
                totals[stat.ProcessGroup] = sum + value(stat);
            }
        }
        return totals;
    }
}
