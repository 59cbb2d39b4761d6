using Multiplexer.Actors.Processes;

namespace Multiplexer.Actors.Tests.Workers;

/// <summary>
/// Waits for what a process group does, as seen in /proc, which sends no event a test could await
/// (zombies count as gone).
/// </summary>
internal static class ProcessGroups
{
    public static Task WaitUntilEmptyAsync(int pgid, TimeSpan timeout) =>
        WaitUntilAsync(() => ProcTable.GroupMembers(pgid).Count == 0,
            () => $"process group {pgid} still has {string.Join(", ", ProcTable.GroupMembers(pgid))}", timeout);

    /// <summary>Polls the condition; fails with what <paramref name="stillNot"/> says once the timeout has passed.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, Func<string> stillNot, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(stillNot());
            }
            await Task.Delay(20);
        }
    }
}
