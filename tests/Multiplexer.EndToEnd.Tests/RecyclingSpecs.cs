using System.Net;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>Workers replaced by fresh ones between requests, as leaking services need; no request is lost to it.</summary>
public sealed class RecyclingSpecs
{
    [Fact]
    public async Task Should_replace_a_worker_after_max_requests_without_failing_a_request()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, Extra = "multiplexer.service.max-requests = 3" });
        var first = await PidsAsync(host, 3);

        // the old worker serves on until its replacement is ready, then retires
        await host.WaitForLogAsync(l => l.Contains("recycled: served 3 requests", StringComparison.Ordinal));
        var second = await PidsAsync(host, 3);

        Assert.Single(first.Distinct());
        Assert.Single(second.Distinct());
        Assert.NotEqual(first[0], second[0]);
    }

    private static async Task<List<string>> PidsAsync(MultiplexerHost host, int requests)
    {
        var pids = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            var response = await host.Client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            pids.Add(response.Headers.GetValues("x-worker-pid").Single());
        }
        return pids;
    }

    [Fact]
    public async Task Should_replace_a_worker_whose_memory_grows_past_max_memory()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig
        {
            Size = 1,
            Extra = "multiplexer.service { max-memory = 200MB, memory-check-interval = 200ms }",
        });
        var leaking = await host.Client.GetAsync("/alloc?mb=250");
        var leakingPid = leaking.Headers.GetValues("x-worker-pid").Single();

        await host.WaitForLogAsync(l => l.Contains("recycled: using", StringComparison.Ordinal) && l.Contains("max-memory 200MB", StringComparison.Ordinal));
        var after = await host.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(leakingPid, after.Headers.GetValues("x-worker-pid").Single());
    }

    [Fact]
    public async Task Should_replace_a_worker_after_max_lifetime_while_requests_keep_succeeding()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig
        {
            Size = 1,
            Extra = "multiplexer.service { max-lifetime = 2s, memory-check-interval = 200ms }",
        });
        var first = (await host.Client.GetAsync("/")).Headers.GetValues("x-worker-pid").Single();

        // requests keep flowing while the worker reaches its lifetime and is replaced
        var replaced = host.WaitForLogAsync(l => l.Contains("recycled: running for", StringComparison.Ordinal));
        var statuses = new List<HttpStatusCode>();
        while (!replaced.IsCompleted)
        {
            statuses.Add((await host.Client.GetAsync("/sleep?ms=20")).StatusCode);
        }
        await replaced;
        var after = await host.Client.GetAsync("/");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.NotEqual(first, after.Headers.GetValues("x-worker-pid").Single());
    }
}
