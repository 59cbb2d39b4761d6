using System.Net;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests.Admin;

/// <summary><c>/livez</c>: alive whenever the multiplexer itself is, whatever its service does and while it stops.</summary>
public sealed class LivenessSpecs
{
    [Fact]
    public async Task Should_be_alive_while_the_service_crash_loops_and_readiness_fails()
    {
        // arrange: a start command that exits at once, every time
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(
            new HostConfig { Size = 1, AdminPort = adminPort, StartCmd = "exit 3", ReadyTimeout = "2s" }, waitForWorkers: false);
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        await host.WaitForLogAsync(l => l.Contains("Failing fast", StringComparison.Ordinal));

        // act
        var ready = await admin.GetAsync("/healthz");
        var alive = await admin.GetAsync("/livez");

        // assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("ok: alive\n", await alive.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_be_alive_during_the_shutdown_delay_while_readiness_fails()
    {
        // arrange
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { AdminPort = adminPort, Extra = "multiplexer.http.shutdown-delay = 10s" });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        // act
        ProcessTable.Signal(host.Pid, 15);
        await host.WaitForLogAsync(l => l.Contains("serving on for the shutdown delay", StringComparison.Ordinal));
        var ready = await admin.GetAsync("/healthz");
        var alive = await admin.GetAsync("/livez");

        // assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(0, await host.StopAsync(signal: 15));
    }
}
