using System.Globalization;
using System.Text.Json;
using Multiplexer.Actors.Processes;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>
/// The pid the multiplexer reports for a worker, in /status and its logs, is the service's own, the one
/// an operator can kill, strace or match with the service's log lines; and pgid is the group it leads.
/// </summary>
public sealed class WorkerPidSpecs
{
    [Fact]
    public async Task Should_report_the_pid_of_the_service_itself_for_a_simple_start_command()
    {
        // arrange: README's Node.js example
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { StartCmd = "node examples/node/index.js %PORT%", AdminPort = adminPort });

        // act
        var servedBy = await ServedByAsync(host);
        var worker = await StatusOfAsync(adminPort, servedBy);

        // assert: the service answered with the pid /status gives, its command is the service's, and it leads the worker's group
        var port = worker.GetProperty("port").GetInt32();
        Assert.Equal($"node examples/node/index.js {port}", ProcessTable.CommandLine(servedBy));
        Assert.Equal(ProcessTable.ProcessGroup(servedBy), worker.GetProperty("pgid").GetInt32());
        Assert.Equal(servedBy, worker.GetProperty("pgid").GetInt32());
        // the service's own first line, which prints its pid, carries the same pid in the multiplexer's prefix
        var id = worker.GetProperty("id").GetInt32();
        await host.WaitForLogAsync(l => l.Contains($"[worker {id} pid {servedBy}] stdout: listening on {port} pid {servedBy}", StringComparison.Ordinal));
        Assert.Contains(host.Lines, l => l.Contains($"Worker {id} ready: pid {servedBy}, port {port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_report_the_shell_that_runs_a_compound_start_command()
    {
        // arrange
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { StartCmd = "cd examples/node && node index.js %PORT%", AdminPort = adminPort });

        // act: the service names itself; /status names its shell
        var service = await ServedByAsync(host);
        var shell = ProcTable.Stat(service)!.ParentPid;
        var serviceRss = ProcTable.Stat(service)!.RssPages * Environment.SystemPageSize;
        var worker = await StatusOfAsync(adminPort, shell);

        // assert
        var port = worker.GetProperty("port").GetInt32();
        Assert.Equal($"/bin/sh -c cd examples/node && node index.js {port}", ProcessTable.CommandLine(shell));
        Assert.Equal($"node index.js {port}", ProcessTable.CommandLine(service));
        var pgid = worker.GetProperty("pgid").GetInt32();
        Assert.Equal(shell, pgid);
        Assert.Equal(pgid, ProcessTable.ProcessGroup(service));
        // memory is the whole group's, so it includes the service's, not the shell's alone
        Assert.True(worker.GetProperty("rssBytes").GetInt64() > serviceRss * 0.8, $"group RSS {worker.GetProperty("rssBytes")} below the service's {serviceRss}");
    }

    private static async Task<int> ServedByAsync(MultiplexerHost host)
    {
        using var response = await host.Client.GetAsync("/");
        response.EnsureSuccessStatusCode();
        return int.Parse(response.Headers.GetValues("x-worker-pid").Single(), CultureInfo.InvariantCulture);
    }

    /// <summary>The /status entry of the worker with this pid; fails when there is none.</summary>
    private static async Task<JsonElement> StatusOfAsync(int adminPort, int pid)
    {
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        using var status = JsonDocument.Parse(await admin.GetStringAsync("/status"));
        var workers = status.RootElement.GetProperty("workers").EnumerateArray().ToList();
        var worker = workers.SingleOrDefault(w => w.GetProperty("pid").GetInt32() == pid);
        Assert.True(worker.ValueKind == JsonValueKind.Object, $"no worker with pid {pid} in /status: {status.RootElement.GetProperty("workers")}");
        return worker.Clone();
    }
}
