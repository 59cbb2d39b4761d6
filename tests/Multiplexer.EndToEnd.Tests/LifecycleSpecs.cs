using System.Diagnostics;
using System.Net;
using Multiplexer.Actors.Processes;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>Start and stop of the multiplexer itself: configuration errors, leftovers, graceful shutdown.</summary>
public sealed class LifecycleSpecs
{
    [Fact]
    public async Task Should_exit_2_with_one_line_naming_the_key_on_a_bad_config()
    {
        var hocon = new HostConfig().ToHocon().Replace("strategy = fifo", "strategy = fiffo", StringComparison.Ordinal);
        await using var host = MultiplexerHost.Launch(hocon);

        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exitCode);
        var line = Assert.Single(host.Lines);
        Assert.Contains("multiplexer.pool.strategy", line);
        Assert.Contains("fiffo", line);
    }

    [Fact]
    public async Task Should_finish_in_flight_requests_then_exit_0_leaving_no_process_behind_on_sigterm()
    {
        // arrange: two workers, one of which started a child of its own, and a response still streaming
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 2 });
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/spawn-child")).StatusCode);
        var processes = host.WorkerProcesses();
        using var stream = await host.Client.GetAsync("/sse?n=2&interval=1000", HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Equal("data: event 1", await reader.ReadLineAsync());

        // act
        var exit = host.StopAsync(signal: 15);
        var rest = await reader.ReadToEndAsync();

        // assert: the in-flight response completed, the exit was clean, and nothing survived
        Assert.Contains("data: event 2", rest);
        Assert.Equal(0, await exit);
        Assert.True(processes.Count >= 5, $"expected 2 services, 2 watchdogs and a grandchild, saw {processes.Count}");
        await Eventually.TrueAsync(() => processes.All(pid => !ProcessTable.IsAlive(pid)), "every worker process and child is gone");
    }

    [Fact]
    public async Task Should_kill_stale_workers_of_an_earlier_run_but_nothing_else()
    {
        // arrange: a leftover whose command line contains the kill pattern, and a bystander that does not
        var marker = "stale-" + Guid.NewGuid().ToString("N");
        using var stale = Sleeper($"{marker} index.js");
        using var bystander = Sleeper("bystander");
        try
        {
            // act
            await using var host = await MultiplexerHost.StartAsync(new HostConfig { KillPattern = marker });

            // assert
            var line = await host.WaitForLogAsync(l => l.Contains("Killed stale worker", StringComparison.Ordinal));
            Assert.Contains($"pid {stale.Id}", line);
            await stale.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            Assert.False(bystander.HasExited);
        }
        finally
        {
            stale.Kill();
            bystander.Kill();
        }
    }

    [Fact]
    public async Task Should_exit_2_naming_the_port_range_when_too_few_ports_are_free()
    {
        // arrange: a range of three ports, two of them taken by someone else
        using var first = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        first.Start();
        var port = ((System.Net.IPEndPoint)first.LocalEndpoint).Port;
        using var second = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port + 1);
        second.Start();
        var hocon = new HostConfig { Size = 2, PortRange = $"{port}..{port + 2}" }.ToHocon();

        // act
        await using var host = MultiplexerHost.Launch(hocon);
        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(30));

        // assert
        Assert.Equal(2, exitCode);
        Assert.Contains(host.Lines, l => l.Contains("multiplexer.service.port-range: only 1 of the 3 ports", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_take_its_workers_down_with_it_when_killed_with_sigkill()
    {
        // arrange: two workers, one with a child of its own
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 2 });
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/spawn-child")).StatusCode);
        var processes = host.WorkerProcesses();

        // act: no chance to stop anything
        var exitCode = await host.StopAsync(signal: 9);

        // assert: each worker's watchdog saw its stdin close and took its process group down
        Assert.Equal(137, exitCode);
        await Eventually.TrueAsync(() => processes.All(pid => !ProcessTable.IsAlive(pid)), "every worker process and child is gone");
    }

    [Fact]
    public async Task Should_kill_a_leftover_of_the_same_configuration_even_with_an_empty_kill_pattern()
    {
        // arrange: a process an earlier run of this configuration started, which escaped its worker's group
        var directory = Directory.CreateTempSubdirectory("multiplexer-test-").FullName;
        var owner = WorkerOwner.For(Path.Combine(directory, "multiplexer.hocon"));
        using var leftover = Sleeper("escaped-worker", new Dictionary<string, string> { [WorkerOwner.Variable] = owner });
        using var stranger = Sleeper("someone-else", new Dictionary<string, string> { [WorkerOwner.Variable] = "another-config" });
        try
        {
            // act
            await using var host = await MultiplexerHost.StartAsync(new HostConfig { KillPattern = "" }, directory: directory);

            // assert
            var line = await host.WaitForLogAsync(l => l.Contains("Killed stale worker", StringComparison.Ordinal));
            Assert.Contains($"pid {leftover.Id}", line);
            await leftover.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            Assert.False(stranger.HasExited, "a process of another configuration is left alone");
            Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/")).StatusCode);
        }
        finally
        {
            leftover.Kill();
            stranger.Kill();
        }
    }

    private static Process Sleeper(string argument, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var arg in new[] { "python3", "-c", "import time; time.sleep(300)", argument })
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        return Process.Start(info)!;
    }
}
