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
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1 });
        using var busy = await host.Client.GetAsync("/sse?n=2&interval=1500", HttpCompletionOption.ResponseHeadersRead);
        var events = new StreamReader(await busy.Content.ReadAsStreamAsync());
        Assert.Equal("data: event 1", await events.ReadLineAsync());
        using (var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            // act: the waiting client gives up
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Client.GetAsync("/pid", impatient.Token));
        }

        // assert: the worker comes back to the pool and serves the next request
        Assert.Contains("data: event 2", await events.ReadToEndAsync());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/pid")).StatusCode);
        await host.WaitForLogAsync(l => l.Contains("499", StringComparison.Ordinal) && l.Contains("client went away", StringComparison.Ordinal));
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
