using System.Net;
using System.Text.Json;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>Workers that die, hang or are all busy: what the client sees, and that the pool heals.</summary>
public sealed class FailureSpecs
{
    [Fact]
    public async Task Should_serve_again_within_two_seconds_after_a_worker_is_killed()
    {
        // arrange: a checkout that waits longer than 2 s answers 503, so a 200 proves the 2 s bound
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, CheckoutTimeout = "2s" });
        var before = await PidAsync(host);

        // act
        ProcessTable.Signal(before, 9);
        await host.WaitForLogAsync(l => l.Contains("exited: exit code 137", StringComparison.Ordinal));
        var response = await host.Client.GetAsync("/pid");

        // assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(before, await PidOfAsync(response));
    }

    [Fact]
    public async Task Should_answer_502_when_the_worker_dies_mid_request_and_then_recover()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1 });
        var before = await PidAsync(host);

        var crashed = await host.Client.GetAsync("/exit?code=1");

        Assert.Equal(HttpStatusCode.BadGateway, crashed.StatusCode);
        Assert.NotEqual(before, await PidAsync(host));
    }

    [Fact]
    public async Task Should_answer_504_and_replace_a_worker_that_exceeds_proxy_timeout()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, ProxyTimeout = "1s" });
        var stuck = await PidAsync(host);

        var response = await host.Client.GetAsync("/sleep?ms=10000");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.NotEqual(stuck, await PidAsync(host));
        Assert.False(ProcessTable.IsAlive(stuck), "the stuck worker process was killed");
    }

    [Fact]
    public async Task Should_answer_503_with_retry_after_at_once_when_the_wait_queue_is_full()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, MaxWaiting = 0 });

        // one takes the only worker, the other finds no room to wait
        var responses = await Task.WhenAll(host.Client.GetAsync("/sleep?ms=1500"), host.Client.GetAsync("/sleep?ms=1500"));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var rejected = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(rejected.Headers.RetryAfter);
        Assert.Contains("max-waiting", await rejected.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_answer_503_when_no_worker_frees_up_within_checkout_timeout()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, CheckoutTimeout = "500ms" });

        var responses = await Task.WhenAll(host.Client.GetAsync("/sleep?ms=3000"), host.Client.GetAsync("/sleep?ms=3000"));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var rejected = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(rejected.Headers.RetryAfter);
        Assert.Contains("checkout-timeout", await rejected.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_not_lose_the_worker_when_a_waiting_client_disconnects()
    {
        // arrange: the only worker is busy and a second client waits for it
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, AdminPort = adminPort });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        using var busy = await host.Client.GetAsync("/sse?n=2&interval=4000", HttpCompletionOption.ResponseHeadersRead);
        var events = new StreamReader(await busy.Content.ReadAsStreamAsync());
        Assert.Equal("data: event 1", await events.ReadLineAsync());
        using var impatient = new CancellationTokenSource();
        var waiting = host.Client.GetAsync("/pid", impatient.Token);
        await Eventually.TrueAsync(async () => await WaitingCheckoutsAsync(admin) == 1, "the second request waits in the pool's queue");

        // act: the waiting client gives up
        await impatient.CancelAsync();

        // assert: the abandoned wait is logged, the worker comes back to the pool and serves the next request
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await host.WaitForLogAsync(l => l.Contains("499", StringComparison.Ordinal) && l.Contains("client went away", StringComparison.Ordinal));
        Assert.Equal(0, await WaitingCheckoutsAsync(admin));
        Assert.Contains("data: event 2", await events.ReadToEndAsync());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/pid")).StatusCode);
    }

    private static async Task<int> WaitingCheckoutsAsync(HttpClient admin)
    {
        using var status = JsonDocument.Parse(await admin.GetStringAsync("/status"));
        return status.RootElement.GetProperty("pool").GetProperty("waiting").GetInt32();
    }

    [Fact]
    public async Task Should_send_a_request_the_worker_refused_to_another_worker_instead_of_502()
    {
        // arrange: lifo hands the next request to the worker that just stopped accepting connections
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 2, Strategy = "lifo" });
        var refusing = await host.Client.GetAsync("/stop-listening");
        var refusingPid = int.Parse(refusing.Headers.GetValues("x-worker-pid").Single(), System.Globalization.CultureInfo.InvariantCulture);

        // act
        var response = await host.Client.PostAsync("/upload", new ByteArrayContent(new byte[100_000]));

        // assert: served by the other worker, and the refusing one was found out
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(100_000, json.RootElement.GetProperty("length").GetInt32());
        Assert.NotEqual(refusingPid, int.Parse(response.Headers.GetValues("x-worker-pid").Single(), System.Globalization.CultureInfo.InvariantCulture));
        await host.WaitForLogAsync(l => l.Contains("POST /upload: worker", StringComparison.Ordinal) && l.Contains("failed: Request", StringComparison.Ordinal));
        await host.WaitForLogAsync(l => l.Contains("no longer accepts connections", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_fail_fast_while_the_start_command_crashes_and_recover_once_it_is_fixed()
    {
        // arrange: a service that cannot start until a file appears
        var directory = Directory.CreateTempSubdirectory("multiplexer-crash-loop-").FullName;
        var fixedFlag = Path.Combine(directory, "fixed");
        await using var host = await MultiplexerHost.StartAsync(new HostConfig
        {
            Size = 1,
            StartCmd = $"test -f '{fixedFlag}' || {{ echo 'app.js: missing configuration' >&2; exit 1; }}; exec node '{Repository.NodeWorker}' %PORT%",
            Extra = "multiplexer.pool.crash-loop { failures = 3, within = 30s }\nmultiplexer.service.restart { min-backoff = 50ms, max-backoff = 500ms }",
        }, waitForWorkers: false);
        await host.WaitForLogAsync(l => l.Contains("Failing fast", StringComparison.Ordinal));

        // act: a request while the pool is failing, then two seconds of retries
        var response = await host.Client.GetAsync("/");
        var cpuBefore = ProcessTable.CpuSeconds(host.Pid);
        var spawnsBefore = host.Lines.Count(l => l.Contains("started: pid", StringComparison.Ordinal));
        await Task.Delay(2000);
        var cpuShare = (ProcessTable.CpuSeconds(host.Pid) - cpuBefore) / 2.0;
        var spawns = host.Lines.Count(l => l.Contains("started: pid", StringComparison.Ordinal)) - spawnsBefore;

        // assert: a 503 at once (the checkout-timeout is 10 s) that quotes the cause, and no busy loop
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("exit code 1", body);
        Assert.Contains("app.js: missing configuration", body);
        // Backoff doubles up to 500 ms: about four restarts in two seconds, where a spin would be hundreds.
        // The CPU bound is loose because a young process still spends CPU on tiered JIT compilation.
        Assert.InRange(spawns, 1, 8);
        Assert.True(cpuShare < 0.6, $"the multiplexer used {cpuShare:P0} of a core while retrying");

        // act: the command is fixed; assert: the pool recovers by itself
        await File.WriteAllTextAsync(fixedFlag, "");
        await host.WaitForReadyWorkersAsync(1);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/")).StatusCode);
        Directory.Delete(directory, recursive: true);
    }

    private static async Task<int> PidAsync(MultiplexerHost host)
    {
        var response = await host.Client.GetAsync("/pid");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await PidOfAsync(response);
    }

    private static async Task<int> PidOfAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("pid").GetInt32();
    }
}
