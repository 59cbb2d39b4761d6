using System.Diagnostics;
using Multiplexer.Actors.Processes;
using Multiplexer.Actors.Tests.Workers;
using Xunit;

namespace Multiplexer.Actors.Tests.Processes;

/// <summary>Memory and CPU of whole process groups, against a real group of several processes.</summary>
public sealed class ProcessGroupUsageSpecs : IDisposable
{
    private readonly Process _leader;

    public ProcessGroupUsageSpecs()
    {
        // setsid makes the shell the leader of a new group (pid == pgid); it and its two children spin
        _leader = Process.Start(new ProcessStartInfo("setsid", ["/bin/sh", "-c", "(while :; do :; done) & (while :; do :; done) & while :; do :; done"])
        {
            UseShellExecute = false,
        })!;
    }

    private int Pgid => _leader.Id;

    [Fact]
    public async Task Should_sum_the_cpu_time_of_every_member_of_a_group()
    {
        // arrange: let the three members burn some CPU
        var members = await MembersAsync(3);
        await ProcessGroups.WaitUntilAsync(() => ProcessGroupUsage.CpuSeconds([Pgid])[Pgid] >= 0.6, () => "the group has not used 0.6 s of CPU", TimeSpan.FromSeconds(10));

        // act: each member's time first, then the group's, so the group's can only be the larger
        var each = members.Select(pid => ProcTable.Stat(pid)!.CpuSeconds).ToList();
        var group = ProcessGroupUsage.CpuSeconds([Pgid])[Pgid];

        // assert
        Assert.True(group >= each.Sum(), $"group {group} s, members {string.Join(" + ", each)} s");
        Assert.True(group > each.Max() + 0.05, $"group {group} s should exceed its busiest member's {each.Max()} s");
    }

    [Fact]
    public async Task Should_sum_the_resident_memory_of_every_member_of_a_group()
    {
        var members = await MembersAsync(3);

        var rss = ProcessGroupUsage.RssBytes([Pgid, int.MaxValue]);

        var largest = members.Max(pid => ProcTable.Stat(pid)!.RssPages) * Environment.SystemPageSize;
        Assert.True(rss[Pgid] > largest, $"group {rss[Pgid]} bytes, largest member {largest}");
        Assert.Equal(0, rss[int.MaxValue]);
    }

    public void Dispose()
    {
        Libc.KillGroup(Pgid, Libc.SIGKILL);
        _leader.WaitForExit();
        _leader.Dispose();
    }

    private async Task<IReadOnlyList<int>> MembersAsync(int count)
    {
        await ProcessGroups.WaitUntilAsync(() => ProcTable.GroupMembers(Pgid).Count == count, () => $"the group does not have {count} members", TimeSpan.FromSeconds(10));
        return ProcTable.GroupMembers(Pgid);
    }
}
