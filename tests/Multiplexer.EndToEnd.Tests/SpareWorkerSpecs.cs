using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests;

public sealed partial class SpareWorkerSpecs(ITestOutputHelper output)
{
    private const int StartDelayMs = 1500;

    [Fact]
    public async Task Should_answer_as_many_simultaneous_requests_as_min_spare_beyond_size_without_waiting_for_a_start()
    {
        // arrange: a service that takes 1.5 s to start; size 1, and one spare kept ready
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(
            new HostConfig { Size = 1, MaxOverflow = 2, AdminPort = adminPort, Extra = "multiplexer.pool.min-spare = 1" },
            environment: new Dictionary<string, string> { ["WORKER_START_DELAY_MS"] = StartDelayMs.ToString(CultureInfo.InvariantCulture) });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        await host.WaitForReadyWorkersAsync(2);
        Assert.Contains(host.Lines, l => l.Contains("Starting spare worker 2: 1 idle for min-spare 1", StringComparison.Ordinal));
        Assert.Equal(2, (await PoolAsync(admin)).Idle);

        // act: two slow requests at once
        var responses = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => host.Client.GetAsync("/sleep?ms=500")));

        // assert: two workers served them, and neither waited for a start: the queue time the access log gives is far below it
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, responses.Select(r => r.Headers.GetValues("x-worker-pid").Single()).Distinct().Count());
        await host.WaitForLogCountAsync(l => l.Contains("GET /sleep?ms=500 200", StringComparison.Ordinal), 2);
        var queued = host.Lines.Where(l => l.Contains("GET /sleep?ms=500 200", StringComparison.Ordinal))
            .Select(l => double.Parse(QueueMs().Match(l).Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        output.WriteLine($"queue times: {string.Join(", ", queued)} ms");
        Assert.All(queued, ms => Assert.True(ms < StartDelayMs / 2, $"a request waited {ms} ms for a worker"));

        // and the spare used up is replaced by a third worker, which is the most size + max-overflow allows
        await host.WaitForReadyWorkersAsync(3);
        Assert.Equal(3, (await PoolAsync(admin)).Spawned);
    }

    private static async Task<(int Idle, long Spawned)> PoolAsync(HttpClient admin)
    {
        using var status = JsonDocument.Parse(await admin.GetStringAsync("/status"));
        var pool = status.RootElement.GetProperty("pool");
        return (pool.GetProperty("idle").GetInt32(), pool.GetProperty("spawned").GetInt64());
    }

    [GeneratedRegex(@"queue=([0-9.]+)ms")]
    private static partial Regex QueueMs();
}
