using System.Diagnostics;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests.Scaling;

/// <summary>
/// Two multiplexer nodes behind HAProxy, restarted one after the other under steady load, as a rolling
/// deploy does: with <c>shutdown-delay</c> above HAProxy's check interval, no request may fail.
/// </summary>
public sealed class RollingRestartSpecs(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan BackInTraffic = TimeSpan.FromSeconds(20);

    // Requests a node serves before it restarts, and after, before the run goes on.
    private const int Answers = 50;

    private static readonly string[] Names = ["a", "b"];

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [SkippableFact]
    public async Task Should_serve_every_request_while_the_nodes_behind_haproxy_restart_one_after_the_other()
    {
        Skip.IfNot(HaProxy.Available, $"{HaProxy.Executable} is missing (.ci/run installs Debian's haproxy)");

        // arrange: two nodes, each with its own workers, ports and admin listener, behind HAProxy
        var first = Random.Shared.Next(200, 300) * 100;
        var nodes = new[] { Node($"{first}..{first + 15}"), Node($"{first + 50}..{first + 65}") };
        var hosts = new MultiplexerHost?[2];
        try
        {
            var starting = nodes.Select(n => MultiplexerHost.StartAsync(n.Config)).ToArray();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                for (var i = 0; i < 2; i++)
                {
                    hosts[i] = starting[i].IsCompletedSuccessfully ? starting[i].Result : null;
                }
            }
            var before = hosts.Select(h => Workers(h!)).ToArray();
            await using var haproxy = HaProxy.Start([.. nodes.Select((n, i) => (Names[i], n.Port, n.Config.AdminPort))]);
            await WaitUntilBothUpAsync(haproxy);
            await using var load = SteadyLoad.Start(haproxy.BaseAddress, clients: 4);
            await load.WaitForAnswersFromAsync(before[0], Answers, BackInTraffic);
            await load.WaitForAnswersFromAsync(before[1], Answers, BackInTraffic);
            Log("both nodes serve");

            // act: restart a, then b once HAProxy sends a's new workers traffic
            var after = new IReadOnlySet<int>[2];
            for (var i = 0; i < 2; i++)
            {
                after[i] = await RestartAsync(hosts, i, nodes[i].Config, load);
            }
            await load.StopAsync();
            using var statsClient = new HttpClient();
            var backend = (await haproxy.StatsAsync(statsClient))["BACKEND"];

            // assert: nothing failed, and each node served before and after its restart
            var outcomes = load.Outcomes;
            var failures = outcomes.Where(o => o.Failure is not null).ToList();
            var served = new[] { before[0], after[0], before[1], after[1] }
                .Select(pids => outcomes.Count(o => o.WorkerPid is { } pid && pids.Contains(pid))).ToList();
            output.WriteLine($"{outcomes.Count} requests in {_clock.Elapsed.TotalSeconds:0.0}s; served by a before/after {served[0]}/{served[1]}, b before/after {served[2]}/{served[3]}; {failures.Count} failed; HAProxy: {backend}");
            Assert.True(failures.Count == 0, $"{failures.Count} of {outcomes.Count} requests failed, first ones:\n{string.Join('\n', failures.Take(10))}");
            Assert.All(served, count => Assert.True(count > 0, $"served before/after: {string.Join(", ", served)}"));
            Assert.Equal(outcomes.Count, served.Sum());
            // Nor did HAProxy hide a failure: no node refused a connection or broke off a response it was sent.
            Assert.Equal(new HaProxyServerStats("UP", 0, 0, 0, 0), backend);
            Assert.True(_clock.Elapsed < Bound, $"the run took {_clock.Elapsed}");
        }
        finally
        {
            foreach (var host in hosts)
            {
                if (host is not null)
                {
                    await host.DisposeAsync();
                }
            }
        }
    }

    /// <summary>SIGTERM, a clean exit, a new process on the same ports, and its workers answering through HAProxy.</summary>
    private async Task<IReadOnlySet<int>> RestartAsync(MultiplexerHost?[] hosts, int index, HostConfig config, SteadyLoad load)
    {
        var name = Names[index];
        var host = hosts[index]!;
        Log($"{name}: SIGTERM");
        var exitCode = await host.StopAsync(signal: 15, timeout: TimeSpan.FromSeconds(30));
        Log($"{name}: exited with {exitCode}");
        Assert.Equal(0, exitCode);
        hosts[index] = null;
        await host.DisposeAsync();
        var next = hosts[index] = await MultiplexerHost.StartAsync(config);
        var workers = Workers(next);
        Log($"{name}: started again");
        await load.WaitForAnswersFromAsync(workers, Answers, BackInTraffic);
        Log($"{name}: serves again");
        return workers;
    }

    // shutdown-delay (2s) well above HAProxy's check interval (200ms) and fall (1), so that HAProxy
    // takes a stopping node out long before it stops accepting connections.
    private static (HostConfig Config, int Port) Node(string portRange)
    {
        var port = HostConfig.FreePort();
        return (new HostConfig
        {
            Size = 2,
            AdminPort = HostConfig.FreePort(),
            PortRange = portRange,
            Extra = $"multiplexer.http {{ port = {port}, shutdown-delay = 2s }}",
        }, port);
    }

    /// <summary>The node's processes: its workers' pids are among them, and <c>x-worker-pid</c> names one.</summary>
    private static IReadOnlySet<int> Workers(MultiplexerHost host) => host.WorkerProcesses().ToHashSet();

    private static async Task WaitUntilBothUpAsync(HaProxy haproxy)
    {
        using var stats = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                var servers = await haproxy.StatsAsync(stats);
                return servers.GetValueOrDefault("a")?.Status == "UP" && servers.GetValueOrDefault("b")?.Status == "UP";
            }
            catch (HttpRequestException) when (haproxy.HasExited)
            {
                throw new InvalidOperationException($"HAProxy exited:\n{haproxy.Output}");
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "HAProxy sees both nodes up");
    }

    private void Log(string what) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.00}s {what}");
}
