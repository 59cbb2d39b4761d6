using System.Globalization;

namespace Multiplexer.Actors.Workers;

/// <summary>Resident memory of whole workers: every live process in each one's process group, from /proc.</summary>
public static class ProcessGroupMemory
{
    private static readonly long PageSize = Environment.SystemPageSize;

    /// <summary>RSS in bytes per process group, for the groups asked for; one pass over /proc for all of them.</summary>
    public static IReadOnlyDictionary<int, long> RssBytes(IReadOnlyCollection<int> pgids)
    {
        var totals = pgids.ToDictionary(pgid => pgid, _ => 0L);
        if (totals.Count == 0)
        {
            return totals;
        }
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ProcStat.Read(pid) is { } stat
                && totals.TryGetValue(stat.ProcessGroup, out var sum))
            {
                totals[stat.ProcessGroup] = sum + (stat.RssPages * PageSize);
            }
        }
        return totals;
    }
}
