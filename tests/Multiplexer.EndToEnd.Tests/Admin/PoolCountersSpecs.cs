using System.Globalization;
using System.Net;
using System.Text.Json;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests.Admin;

/// <summary>The pool's counters and limits in <c>/status</c> and <c>/metrics</c>, as an operator reads them after a burst.</summary>
public sealed class PoolCountersSpecs
{
    [Fact]
    public async Task Should_count_requests_served_the_longest_queue_and_each_wait_with_every_worker_busy()
    {
        // arrange: one worker and no overflow
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig
        {
            Size = 1,
            AdminPort = adminPort,
            MaxWaiting = 7,
            CheckoutTimeout = "9s",
            ProxyTimeout = "12s",
            Extra = "multiplexer.pool.min-spare = 0",
        });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        // act: two slow requests at once, so one waits for the only worker
        var responses = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => host.Client.GetAsync("/sleep?ms=500")));
        // The client can hold the whole response before the worker is checked in; the access line comes after.
        await host.WaitForLogCountAsync(l => l.Contains("GET /sleep?ms=500 200", StringComparison.Ordinal), 2);
        using var status = JsonDocument.Parse(await admin.GetStringAsync("/status"));
        var metrics = await admin.GetStringAsync("/metrics");

        // assert
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var pool = status.RootElement.GetProperty("pool");
        Assert.Equal(2, pool.GetProperty("served").GetInt64());
        Assert.True(pool.GetProperty("waitingMax").GetInt32() >= 1, "one request waited");
        var limitReached = pool.GetProperty("limitReached").GetInt64();
        Assert.True(limitReached >= 1, "a request waited with the only worker busy");
        Assert.Equal(7, pool.GetProperty("maxWaiting").GetInt32());
        Assert.Equal(9000, pool.GetProperty("checkoutTimeoutMs").GetInt64());
        Assert.Equal(12000, pool.GetProperty("proxyTimeoutMs").GetInt64());
        Assert.Equal(0, pool.GetProperty("minSpare").GetInt32());
        var sample = metrics.Split('\n').Single(l => l.StartsWith("multiplexer_pool_limit_reached_total ", StringComparison.Ordinal));
        Assert.Equal(limitReached, double.Parse(sample.Split(' ')[1], CultureInfo.InvariantCulture));
    }
}
