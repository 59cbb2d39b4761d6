using System.Diagnostics;
using Multiplexer.Actors.Processes;
using Xunit;

namespace Multiplexer.Actors.Tests.Processes;

/// <summary>The /proc reader against real processes, and its stat parser against the awkward names /proc can show.</summary>
public sealed class ProcTableSpecs : IDisposable
{
    private readonly Process _sleeper;

    public ProcTableSpecs()
    {
        var info = new ProcessStartInfo("sleep", ["30"]) { UseShellExecute = false };
        info.Environment["PROC_TABLE_SPEC"] = "marked";
        _sleeper = Process.Start(info)!;
    }

    [Fact]
    public void Should_read_a_process_command_line_environment_and_parent()
    {
        var pid = _sleeper.Id;

        Assert.Equal("sleep 30", ProcTable.CommandLine(pid));
        Assert.Contains("PROC_TABLE_SPEC=marked", ProcTable.Environment(pid));
        Assert.Equal(Environment.ProcessId, ProcTable.Stat(pid)?.ParentPid);
        Assert.Contains(pid, ProcTable.Pids());
        Assert.True(ProcTable.IsAlive(pid));
    }

    [Fact]
    public void Should_read_a_field_of_the_status_file()
    {
        Assert.Equal("sleep", ProcTable.Status(_sleeper.Id, "Name"));
        Assert.Null(ProcTable.Status(_sleeper.Id, "NoSuchField"));
    }

    [Fact]
    public void Should_report_nothing_for_a_process_that_is_gone()
    {
        _sleeper.Kill();
        _sleeper.WaitForExit();

        Assert.Null(ProcTable.Stat(_sleeper.Id));
        Assert.Null(ProcTable.CommandLine(_sleeper.Id));
        Assert.Empty(ProcTable.Environment(_sleeper.Id));
        Assert.False(ProcTable.IsAlive(_sleeper.Id));
    }

    [Fact]
    public void Should_parse_stat_fields_after_a_command_name_holding_spaces_and_parentheses()
    {
        const string line = "4242 (my (odd) name) S 17 4242 4242 0 -1 4194560 120 0 0 0 250 75 0 0 20 0 1 0 100 9000000 321 18446744073709551615";

        var stat = ProcStat.Parse(line);

        Assert.Equal(new ProcStat('S', 17, 4242, 325, 321), stat);
        Assert.Equal(3.25, stat!.CpuSeconds);
    }

    [Fact]
    public void Should_count_a_zombie_as_not_running()
    {
        var zombie = ProcStat.Parse("7 (node) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0 0");

        Assert.False(zombie!.IsRunning);
    }

    [Fact]
    public void Should_reject_text_that_is_not_a_stat_line() =>
        Assert.Null(ProcStat.Parse("not a stat line"));

    public void Dispose()
    {
        if (!_sleeper.HasExited)
        {
            _sleeper.Kill();
        }
        _sleeper.Dispose();
    }
}
