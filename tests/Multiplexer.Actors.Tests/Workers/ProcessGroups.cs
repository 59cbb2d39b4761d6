using Multiplexer.Actors.Processes;

namespace Multiplexer.Actors.Tests.Workers;

/// <summary>Waits for a worker's process group to empty, as seen in /proc (zombies count as gone).</summary>
internal static class ProcessGroups
{
    public static async Task WaitUntilEmptyAsync(int pgid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (ProcTable.GroupMembers(pgid) is { Count: > 0 } members)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"process group {pgid} still has {string.Join(", ", members)}");
            }
            await Task.Delay(20);
        }
    }
}
