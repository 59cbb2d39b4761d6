using System.Globalization;
using Multiplexer.Actors.Workers;

namespace Multiplexer.Actors.Tests.Workers;

/// <summary>Reads /proc to see which processes of a process group are still alive (zombies count as gone).</summary>
internal static class ProcessGroups
{
    public static IReadOnlyList<int> Members(int pgid)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            if (ProcStat.Read(pid) is { IsRunning: true } stat && stat.ProcessGroup == pgid)
            {
                members.Add(pid);
            }
        }
        return members;
    }

    public static async Task WaitUntilEmptyAsync(int pgid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Members(pgid).Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"process group {pgid} still has {string.Join(", ", Members(pgid))}");
            }
            await Task.Delay(20);
        }
    }
}
