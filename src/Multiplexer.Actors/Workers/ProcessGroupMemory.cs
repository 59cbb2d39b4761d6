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
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }
            try
            {
                // After the command name: field 3 is the process group, field 22 the RSS in pages.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var pgid = int.Parse(fields[2], CultureInfo.InvariantCulture);
                if (totals.TryGetValue(pgid, out var sum))
                {
                    totals[pgid] = sum + (long.Parse(fields[21], CultureInfo.InvariantCulture) * PageSize);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while being read.
            }
        }
        return totals;
    }
}
