using System.Net;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests;

public sealed class PoolBehaviourSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_never_give_a_worker_two_requests_at_once()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 2, MaxOverflow = 2 });

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => host.Client.GetAsync("/sleep?ms=20")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var inflight = responses.Select(r => int.Parse(r.Headers.GetValues("x-worker-inflight-max").Single(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        output.WriteLine($"served by {responses.Select(r => r.Headers.GetValues("x-worker-pid").Single()).Distinct().Count()} workers");
        Assert.All(inflight, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Should_start_temporary_workers_for_a_burst_and_retire_them_after()
    {
        // arrange
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, MaxOverflow = 2 });
        var before = host.WorkerProcesses().Count;

        // act: three slow requests at once
        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => host.Client.GetAsync("/sleep?ms=1500")));

        // assert: three different worker processes served them, then two were retired
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(3, responses.Select(r => r.Headers.GetValues("x-worker-pid").Single()).Distinct().Count());
        await host.WaitForLogCountAsync(l => l.Contains("Retiring worker", StringComparison.Ordinal), 2);
        await Eventually.TrueAsync(() => host.WorkerProcesses().Count == before, "the pool shrinks back to one worker's processes");
    }
}
