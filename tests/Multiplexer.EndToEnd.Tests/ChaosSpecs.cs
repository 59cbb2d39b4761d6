using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>
/// Workers killed at random under steady load: a request is lost only if it was on the worker that died,
/// nothing hangs, the pool heals, and no process outlives the run.
/// </summary>
public sealed partial class ChaosSpecs(ITestOutputHelper output)
{
    private const int Size = 4;
    private const int Clients = 16;
    private const int Requests = 10_000;
    private static readonly TimeSpan KillEvery = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Should_answer_every_request_with_200_or_502_while_workers_are_killed_every_200_ms()
    {
        // arrange: a checkout-timeout far beyond the run, so no request can get a 503; a short restart
        // backoff, or the doubling delay (never reset while kills go on) would soon leave no worker at all
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig
        {
            Size = Size,
            MaxOverflow = 0,
            CheckoutTimeout = "120s",
            AdminPort = adminPort,
            Extra = "multiplexer.service.restart { min-backoff = 20ms, max-backoff = 100ms }",
        });
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var statuses = new ConcurrentDictionary<int, int>();
        var unanswered = new ConcurrentQueue<string>();
        var notFromWorker = 0;
        var issued = 0;
        var clock = Stopwatch.StartNew();

        // act: 16 clients share 10,000 requests while a random ready worker is SIGKILLed every 200 ms
        using var stop = new CancellationTokenSource();
        var killer = KillReadyWorkersAsync(host, stop.Token);
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref issued); i <= Requests; i = Interlocked.Increment(ref issued))
            {
                try
                {
                    using var response = await client.GetAsync(i % 2 == 0 ? "/sleep?ms=1" : "/");
                    await response.Content.LoadIntoBufferAsync();
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    if (response.StatusCode == HttpStatusCode.OK && !response.Headers.Contains("x-worker-pid"))
                    {
                        Interlocked.Increment(ref notFromWorker);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    unanswered.Enqueue($"request {i}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        })));
        var duration = clock.Elapsed;
        await stop.CancelAsync();
        var kills = await killer;
        var healed = await PoolStatusAsync(adminPort, status => status.Idle == Size, TimeSpan.FromSeconds(20));
        var exitCode = await host.StopAsync();
        var leftAfterStop = ProcessTable.Tagged(host.Tag);

        // assert
        var served = statuses.GetValueOrDefault(200);
        var badGateway = statuses.GetValueOrDefault(502);
        var other = statuses.Where(s => s.Key is not (200 or 502)).Sum(s => s.Value);
        output.WriteLine($"served {served}, 502 {badGateway}, other {other} ({string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"))}), " +
                         $"unanswered {unanswered.Count}, kills {kills}, duration {duration.TotalSeconds:F1} s");
        Assert.Empty(unanswered);
        Assert.Equal(0, other);
        Assert.Equal(Requests, served + badGateway);
        Assert.Equal(0, notFromWorker);
        Assert.True(kills >= duration.TotalSeconds, $"only {kills} kills in {duration.TotalSeconds:F1} s: the chaos was not chaotic");
        // A worker serves one request at a time, so each kill can fail at most the one request it was serving.
        Assert.InRange(badGateway, 0, kills);
        Assert.True(healed.Idle == Size && healed.Starting == 0, $"the pool did not heal: {healed}");
        Assert.Equal(0, exitCode);
        Assert.Empty(leftAfterStop);
    }

    /// <summary>SIGKILLs a random ready worker's service process (node, not its shell) every 200 ms until stopped; returns the number of kills.</summary>
    private static async Task<int> KillReadyWorkersAsync(MultiplexerHost host, CancellationToken stop)
    {
        var kills = 0;
        var readyShells = new HashSet<int>();
        var scanned = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(KillEvery, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            // The ready line names the worker's process, which leads the worker's process group: here node itself, as the shell execs it.
            var lines = host.Lines;
            for (; scanned < lines.Count; scanned++)
            {
                if (WorkerReady().Match(lines[scanned]) is { Success: true } ready)
                {
                    readyShells.Add(int.Parse(ready.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }
            var candidates = host.WorkerProcesses()
                .Where(pid => ProcessTable.CommandLine(pid).StartsWith("node ", StringComparison.Ordinal) && readyShells.Contains(ProcessTable.ProcessGroup(pid)))
                .ToList();
            if (candidates.Count > 0)
            {
                ProcessTable.Signal(candidates[Random.Shared.Next(candidates.Count)], 9);
                kills++;
            }
        }
        return kills;
    }

    /// <summary>Polls the admin /status until the pool matches, or returns its last state after the timeout.</summary>
    private static async Task<PoolCounts> PoolStatusAsync(int adminPort, Func<PoolCounts, bool> until, TimeSpan timeout)
    {
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var status = JsonDocument.Parse(await admin.GetStringAsync("/status"));
            var pool = status.RootElement.GetProperty("pool");
            var counts = new PoolCounts(pool.GetProperty("idle").GetInt32(), pool.GetProperty("busy").GetInt32(), pool.GetProperty("starting").GetInt32());
            if (until(counts) || deadline.Elapsed > timeout)
            {
                return counts;
            }
            await Task.Delay(100);
        }
    }

    private sealed record PoolCounts(int Idle, int Busy, int Starting);

    [GeneratedRegex(@"Worker \d+ ready: pid (\d+)")]
    private static partial Regex WorkerReady();
}
