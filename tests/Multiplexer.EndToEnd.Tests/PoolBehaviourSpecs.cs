using System.Diagnostics;
using System.Net;
using System.Text.Json;
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
        // arrange: the surplus retires the moment it idles
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, MaxOverflow = 2, OverflowIdleTimeout = "0s" });
        var before = host.WorkerProcesses().Count;

        // act: three slow requests at once
        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => host.Client.GetAsync("/sleep?ms=1500")));

        // assert: three different worker processes served them, then two were retired
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(3, responses.Select(r => r.Headers.GetValues("x-worker-pid").Single()).Distinct().Count());
        await host.WaitForLogCountAsync(l => l.Contains("Retiring worker", StringComparison.Ordinal), 2);
        await Eventually.TrueAsync(() => host.WorkerProcesses().Count == before, "the pool shrinks back to one worker's processes");
    }

    [Fact]
    public async Task Should_neither_retire_nor_start_workers_under_steady_load_and_retire_the_surplus_once_it_idles()
    {
        // arrange: size 2 and 2 temporary workers, which by default idle 10 s before they retire
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 2, MaxOverflow = 2, AdminPort = adminPort });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        // act: for 15 s, 8 clients each send a request, and the next one after a pause of up to 30 ms, so
        // that the workers are all busy at times and at times more than size of them idle
        using var load = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var served = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var statuses = new List<HttpStatusCode>();
            while (!load.IsCancellationRequested)
            {
                statuses.Add((await host.Client.GetAsync("/sleep?ms=20")).StatusCode);
                await Task.Delay(Random.Shared.Next(30));
            }
            return statuses;
        })));
        var idleSince = Stopwatch.StartNew();
        var underLoad = await PoolAsync(admin);

        // assert: every request served, no retirement, no start beyond the size + max-overflow of the first burst
        var all = served.SelectMany(s => s).ToList();
        output.WriteLine($"{all.Count} requests in 15 s; spawned {underLoad.Spawned}, retired {underLoad.Retired}");
        Assert.All(all, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(0, underLoad.Retired);
        Assert.Equal(4, underLoad.Spawned);

        // and once the load stops, the surplus retires after the timeout, and only the surplus
        await Eventually.TrueAsync(async () => (await PoolAsync(admin)).Retired == 2, "the two surplus workers retire", timeoutMs: 20_000);
        output.WriteLine($"the surplus retired {idleSince.Elapsed.TotalSeconds:F1} s after the load stopped");
        Assert.True(idleSince.Elapsed > TimeSpan.FromSeconds(9), $"retired after {idleSince.Elapsed}, before overflow-idle-timeout");
        Assert.Equal((4, 2), await PoolAsync(admin));
    }

    private static async Task<(long Spawned, long Retired)> PoolAsync(HttpClient admin)
    {
        using var status = JsonDocument.Parse(await admin.GetStringAsync("/status"));
        var pool = status.RootElement.GetProperty("pool");
        return (pool.GetProperty("spawned").GetInt64(), pool.GetProperty("retired").GetInt64());
    }
}
