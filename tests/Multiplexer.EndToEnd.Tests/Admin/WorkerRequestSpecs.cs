using System.Net;
using System.Text.Json;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests.Admin;

/// <summary>What each worker is doing, as /status and the log show it: the request now, the last one, slow ones, CPU.</summary>
public sealed class WorkerRequestSpecs
{
    [Fact]
    public async Task Should_warn_about_a_slow_request_while_it_still_runs_and_show_it_on_its_worker()
    {
        // arrange
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, AdminPort = adminPort, Extra = "multiplexer.http.slow-request = 1s" });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        // act
        var sleeping = host.Client.GetAsync("/sleep?ms=3000");
        var warning = await host.WaitForLogAsync(l => l.Contains("Slow request on worker", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var stillRunning = !sleeping.IsCompleted;
        using var during = JsonDocument.Parse(await admin.GetStringAsync("/status"));
        var response = await sleeping;
        // The client can hold the whole response before the worker is checked in; the access line comes after.
        await host.WaitForLogAsync(l => l.Contains("GET /sleep?ms=3000 200", StringComparison.Ordinal));
        using var after = JsonDocument.Parse(await admin.GetStringAsync("/status"));
        var metrics = await admin.GetStringAsync("/metrics");

        // assert: warned while the request ran, naming the worker, the service's pid, its port and the request
        Assert.True(stillRunning, "the warning comes while the request is still on its worker");
        var worker = Assert.Single(during.RootElement.GetProperty("workers").EnumerateArray());
        var (pid, port) = (worker.GetProperty("pid").GetInt32(), worker.GetProperty("port").GetInt32());
        Assert.Matches($@"Slow request on worker 1 \(pid {pid}, port {port}\): GET /sleep\?ms=3000 running for 1\d\d\d ms", warning);
        var request = worker.GetProperty("request");
        Assert.Equal(("GET", "/sleep?ms=3000"), (request.GetProperty("method").GetString(), request.GetProperty("target").GetString()));
        Assert.True(request.GetProperty("elapsedMs").GetDouble() >= 1000, $"elapsed {request.GetProperty("elapsedMs")} ms");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("x-worker-pid").Single());

        // assert: once done, the request is the worker's last one, and counted as slow
        var done = Assert.Single(after.RootElement.GetProperty("workers").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("request").ValueKind);
        var last = done.GetProperty("lastRequest");
        Assert.Equal(("/sleep?ms=3000", 200), (last.GetProperty("target").GetString(), last.GetProperty("status").GetInt32()));
        // Node's timers count from the event loop's cached time, so the sleep may end a few ms short of 3000.
        Assert.InRange(last.GetProperty("durationMs").GetDouble(), 2900, 10_000);
        Assert.Equal(1, after.RootElement.GetProperty("pool").GetProperty("slowRequests").GetInt64());
        Assert.Contains("\nmultiplexer_slow_requests_total 1\n", metrics);
        Assert.Single(host.Lines, l => l.Contains("Slow request on worker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_report_the_cpu_time_of_the_workers_process_group_as_proc_counts_it()
    {
        // arrange
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, AdminPort = adminPort });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        // act
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/cpu?ms=500")).StatusCode);
        using var status = JsonDocument.Parse(await admin.GetStringAsync("/status"));
        var worker = Assert.Single(status.RootElement.GetProperty("workers").EnumerateArray());
        var measured = ProcessTable.GroupCpuSeconds(worker.GetProperty("pgid").GetInt32());

        // assert: the busy loop shows, and never more than /proc counts a moment later
        var cpu = worker.GetProperty("cpuSeconds").GetDouble();
        Assert.True(cpu > 0.2, $"cpuSeconds {cpu} after half a second of busy loop");
        Assert.True(cpu <= measured, $"cpuSeconds {cpu} above the group's utime+stime {measured}");
    }
}
