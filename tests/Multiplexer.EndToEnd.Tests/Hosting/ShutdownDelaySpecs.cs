using System.Diagnostics;
using System.Net;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests.Hosting;

/// <summary><c>http.shutdown-delay</c>: after SIGTERM a node says it is going, but serves on until the delay is over.</summary>
public sealed class ShutdownDelaySpecs
{
    // Long, since the second signal cuts it short: the margin is for a loaded machine, and costs no time.
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Should_fail_healthz_but_keep_serving_new_connections_during_the_delay_and_exit_0_at_a_second_sigterm()
    {
        // arrange
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig
        {
            Size = 2,
            AdminPort = adminPort,
            Extra = $"multiplexer.http.shutdown-delay = {(int)Delay.TotalMilliseconds}ms",
        });
        var processes = host.WorkerProcesses();
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        // act: the first SIGTERM
        var firstSignal = Stopwatch.StartNew();
        ProcessTable.Signal(host.Pid, 15);
        await host.WaitForLogAsync(l => l.Contains("serving on for the shutdown delay", StringComparison.Ordinal));
        var health = await admin.GetAsync("/healthz");
        using var fresh = new HttpClient { BaseAddress = host.BaseAddress };
        var served = await fresh.GetAsync("/");

        // assert: unready, yet serving a new connection from a worker
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("shutting down", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.True(served.Headers.Contains("x-worker-pid"), "a worker answered");
        Assert.True(firstSignal.Elapsed < Delay, $"the checks took {firstSignal.Elapsed}, longer than the delay they ran in");

        // act: the second SIGTERM
        var exit = host.StopAsync(signal: 15);
        var exitCode = await exit;

        // assert: it exited before the delay could have run out, cleanly, and left nothing behind
        Assert.True(firstSignal.Elapsed < Delay, $"exit {firstSignal.Elapsed} after the first SIGTERM, not before the {Delay} delay was over");
        Assert.Equal(0, exitCode);
        Assert.Contains(host.Lines, l => l.Contains("shutdown delay cut short", StringComparison.Ordinal));
        await Eventually.TrueAsync(() => processes.All(pid => !ProcessTable.IsAlive(pid)), "every worker process is gone");
    }

    [Fact]
    public async Task Should_stop_once_the_delay_is_over_after_a_single_sigint()
    {
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig
        {
            AdminPort = adminPort,
            Extra = "multiplexer.http.shutdown-delay = 1s",
        });
        var processes = host.WorkerProcesses();

        var elapsed = Stopwatch.StartNew();
        var exitCode = await host.StopAsync(signal: 2);

        Assert.Equal(0, exitCode);
        Assert.True(elapsed.Elapsed >= TimeSpan.FromSeconds(1), $"exited {elapsed.Elapsed} after SIGINT, before the delay was over");
        Assert.Contains(host.Lines, l => l.Contains("Shutdown delay over", StringComparison.Ordinal));
        await Eventually.TrueAsync(() => processes.All(pid => !ProcessTable.IsAlive(pid)), "every worker process is gone");
    }
}
