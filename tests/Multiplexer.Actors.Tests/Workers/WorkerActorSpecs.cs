using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Ports;
using Multiplexer.Actors.Processes;
using Multiplexer.Actors.Workers;
using Xunit;

namespace Multiplexer.Actors.Tests.Workers;

/// <summary>The worker actor against real, tiny processes: a shell, a one-line Node.js server, sleep.</summary>
public sealed class WorkerActorSpecs : TestKit, IDisposable
{
    /// <summary>Listens on $PORT, then says so on stdout, as services usually do.</summary>
    private const string HttpServer = "node -e \"require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT, '127.0.0.1', () => console.log('listening'))\"";

    private readonly WorkerProcessLauncher _launcher = new(owner: Guid.NewGuid().ToString("N"));
    private readonly TestProbe _pool;
    private readonly IActorRef _ports;

    public WorkerActorSpecs()
    {
        _pool = CreateTestProbe();
        var first = Random.Shared.Next(300, 400) * 100;
        _ports = Sys.ActorOf(PortRingActor.Props(new PortRange(first, first + 49), TcpPortProbe.Instance));
    }

    [Fact]
    public async Task Should_be_ready_after_first_output_once_its_port_accepts_connections()
    {
        // the service prints long before it listens
        StartWorker(Service($"echo booting; sleep 0.5; exec {HttpServer}"));

        var started = await _pool.ExpectMsgAsync<WorkerStarting>(TimeSpan.FromSeconds(10));
        var ready = await _pool.ExpectMsgAsync<WorkerReady>(TimeSpan.FromSeconds(10));

        Assert.Equal(started.Port, ready.Port);
        Assert.True(await AcceptsAsync(ready.Port), "ready must mean the port accepts connections");
    }

    [Fact]
    public async Task Should_be_ready_after_the_fixed_start_delay_without_any_output()
    {
        StartWorker(Service("sleep 30", startDelay: new StartDelay(TimeSpan.FromMilliseconds(300))));

        await _pool.ExpectMsgAsync<WorkerStarting>(TimeSpan.FromSeconds(10));
        await _pool.ExpectMsgAsync<WorkerReady>(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Should_kill_a_worker_not_ready_within_ready_timeout()
    {
        StartWorker(Service("sleep 30", readyTimeout: TimeSpan.FromMilliseconds(500)));
        var started = await _pool.ExpectMsgAsync<WorkerStarting>(TimeSpan.FromSeconds(10));

        var stopped = await _pool.ExpectMsgAsync<WorkerStopped>(TimeSpan.FromSeconds(10));

        Assert.Contains("not ready within ready-timeout", stopped.Reason);
        await ProcessGroups.WaitUntilEmptyAsync(started.Pgid, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Should_keep_draining_output_so_a_chatty_worker_never_blocks()
    {
        // far more than a pipe buffer (64 KiB) on both streams before the service listens
        StartWorker(Service($"yes stdout-line | head -n 50000; yes stderr-line | head -n 50000 >&2; exec {HttpServer}"));

        await _pool.ExpectMsgAsync<WorkerStarting>(TimeSpan.FromSeconds(10));
        await _pool.ExpectMsgAsync<WorkerReady>(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Should_notice_at_once_when_its_process_is_killed()
    {
        StartWorker(Service($"exec {HttpServer}"));
        var ready = await ReadyAsync();

        Libc.Kill(ready.Pid, Libc.SIGKILL);

        var stopped = await _pool.ExpectMsgAsync<WorkerStopped>(TimeSpan.FromSeconds(5));
        Assert.Equal(9, stopped.Exit?.Signal);
    }

    [Fact]
    public async Task Should_stop_the_whole_process_group_when_stopped()
    {
        // the shell does not exec, and leaves a background child of its own
        var worker = StartWorker(Service($"sleep 300 & {HttpServer}"));
        var ready = await ReadyAsync();
        Assert.True(ProcTable.GroupMembers(ready.Pgid).Count >= 3, "shell, sleep and node run in the worker's group");

        Sys.Stop(worker);

        await _pool.ExpectMsgAsync<WorkerStopped>(TimeSpan.FromSeconds(5));
        await ProcessGroups.WaitUntilEmptyAsync(ready.Pgid, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Should_report_the_service_itself_when_the_start_command_is_a_simple_one()
    {
        StartWorker(Service(HttpServer));

        var ready = await ReadyAsync();

        // nothing of the multiplexer's between it and the service: the shell exec'd node
        var stat = ProcTable.Stat(ready.Pid)!;
        Assert.StartsWith("node -e ", ProcTable.CommandLine(ready.Pid));
        Assert.Equal(Environment.ProcessId, stat.ParentPid);
        Assert.Equal(ready.Pgid, stat.ProcessGroup);
    }

    [Fact]
    public async Task Should_report_the_shell_running_a_compound_start_command()
    {
        StartWorker(Service($"cd . && {HttpServer}"));

        var ready = await ReadyAsync();

        Assert.StartsWith("/bin/sh -c cd . && node -e ", ProcTable.CommandLine(ready.Pid));
        var node = Assert.Single(ProcTable.Stats(), p => p.Stat.ParentPid == ready.Pid && p.Stat.IsRunning);
        Assert.StartsWith("node -e ", ProcTable.CommandLine(node.Pid));
        Assert.Equal(ready.Pgid, node.Stat.ProcessGroup);
    }

    [Fact]
    public async Task Should_let_the_service_finish_its_own_shutdown_on_sigterm_within_stop_timeout()
    {
        // the service takes 300 ms to shut down cleanly, well within the 2 s stop-timeout
        var done = Path.Combine(Path.GetTempPath(), $"worker-shutdown-{Guid.NewGuid():N}");
        var onTerm = $"process.on('SIGTERM', () => setTimeout(() => {{ require('fs').writeFileSync('{done}', 'clean'); process.exit(0); }}, 300));";
        var worker = StartWorker(Service(HttpServer.Replace("-e \"", "-e \"" + onTerm, StringComparison.Ordinal)));
        var ready = await ReadyAsync();

        Sys.Stop(worker);
        await ProcessGroups.WaitUntilEmptyAsync(ready.Pgid, TimeSpan.FromSeconds(10));

        Assert.True(File.Exists(done), "the service was killed before it had finished shutting down");
        File.Delete(done);
    }

    [Fact]
    public async Task Should_give_the_worker_its_port_in_the_environment_too()
    {
        // the command line has no %PORT%: the service finds its port in the environment alone
        StartWorker(Service($"exec {HttpServer}"));

        var ready = await ReadyAsync();

        Assert.True(await AcceptsAsync(ready.Port));
    }

    [Fact]
    public async Task Should_restart_a_dying_command_with_growing_delays_instead_of_spinning()
    {
        // arrange: a command that exits at once, under its supervisor with 100 ms doubling backoff
        var settings = Service("exit 3", restart: new RestartBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)));
        var supervisor = Sys.ActorOf(WorkerSupervisor.Props(1, settings, _pool, _ports, _launcher));

        // act: watch for 1.2 s
        var exits = new List<WorkerStopped>();
        var until = DateTime.UtcNow.AddMilliseconds(1200);
        while (DateTime.UtcNow < until)
        {
            var message = await _pool.ReceiveOneAsync(until - DateTime.UtcNow > TimeSpan.Zero ? until - DateTime.UtcNow : TimeSpan.Zero);
            if (message is WorkerStopped stopped)
            {
                exits.Add(stopped);
            }
        }
        Sys.Stop(supervisor);

        // assert: restarted several times, each exit reported with its code, but at most at 0, .1, .3, .7 s (and maybe 1.5 s);
        // every restart is the slot's next incarnation
        Assert.InRange(exits.Count, 2, 5);
        Assert.All(exits, e => Assert.Equal(3, e.Exit?.Code));
        Assert.Equal(Enumerable.Range(1, exits.Count), exits.Select(e => e.Incarnation));
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(4, 800)]
    [InlineData(8, 10_000)]
    [InlineData(50, 10_000)]
    public void Should_double_the_restart_delay_up_to_the_maximum(int crashes, int expectedMs)
    {
        var backoff = new RestartBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), WorkerSupervisor.Delay(backoff, crashes));
    }

    public new void Dispose()
    {
        Shutdown();
        _launcher.KillAll();
        base.Dispose();
    }

    private async Task<WorkerReady> ReadyAsync()
    {
        await _pool.ExpectMsgAsync<WorkerStarting>(TimeSpan.FromSeconds(10));
        return await _pool.ExpectMsgAsync<WorkerReady>(TimeSpan.FromSeconds(10));
    }

    private IActorRef StartWorker(ServiceSettings settings) =>
        Sys.ActorOf(WorkerActor.Props(1, 1, settings, _pool, _ports, _launcher));

    private static ServiceSettings Service(string command, StartDelay? startDelay = null, TimeSpan? readyTimeout = null, RestartBackoff? restart = null) =>
        new(new Uri("http://127.0.0.1"), new PortRange(1, 1), command, startDelay ?? StartDelay.WaitFirstOutput,
            readyTimeout ?? TimeSpan.FromSeconds(20), "", Directory.GetCurrentDirectory(), new Dictionary<string, string>(),
            TimeSpan.FromSeconds(2), restart ?? new RestartBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)));

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
