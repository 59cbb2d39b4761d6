using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests.Admin;

/// <summary>The admin listener: status, metrics and health as an operator sees them.</summary>
public sealed partial class AdminSpecs
{
    [Fact]
    public async Task Should_report_busy_and_idle_workers_as_the_load_drives_them()
    {
        // arrange: three workers, each held by a streaming response until the test lets it finish
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 3, AdminPort = adminPort });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        var streams = new List<StreamReader>();
        for (var i = 0; i < 3; i++)
        {
            var response = await host.Client.GetAsync("/sse?n=2&interval=1000", HttpCompletionOption.ResponseHeadersRead);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.Equal("data: event 1", await reader.ReadLineAsync());
            streams.Add(reader);
        }

        // act
        using var during = JsonDocument.Parse(await admin.GetStringAsync("/status"));
        foreach (var reader in streams)
        {
            await reader.ReadToEndAsync();
        }
        await host.WaitForLogCountAsync(l => l.Contains("GET /sse", StringComparison.Ordinal), 3);
        using var after = JsonDocument.Parse(await admin.GetStringAsync("/status"));

        // assert
        var pool = during.RootElement.GetProperty("pool");
        Assert.Equal(3, pool.GetProperty("busy").GetInt32());
        Assert.Equal(0, pool.GetProperty("idle").GetInt32());
        Assert.All(during.RootElement.GetProperty("workers").EnumerateArray(), w =>
        {
            Assert.Equal("busy", w.GetProperty("state").GetString());
            Assert.True(w.GetProperty("pid").GetInt32() > 0);
            Assert.True(w.GetProperty("rssBytes").GetInt64() > 1_000_000, "a Node.js worker uses more than 1 MB");
        });
        Assert.Equal(3, after.RootElement.GetProperty("pool").GetProperty("idle").GetInt32());
        Assert.Equal(3, after.RootElement.GetProperty("workers").EnumerateArray().Sum(w => w.GetProperty("requestsServed").GetInt64()));
    }

    [Fact]
    public async Task Should_expose_prometheus_text_whose_counters_move_with_requests()
    {
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, AdminPort = adminPort, MaxWaiting = 0 });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        var before = ParseMetrics(await admin.GetStringAsync("/metrics"));

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/status/404")).StatusCode);
        // A request is counted after its response is sent, so the client may be told before the counters move.
        await host.WaitForLogCountAsync(l => l.Contains("GET / 200 worker=", StringComparison.Ordinal), 5);
        await host.WaitForLogAsync(l => l.Contains("GET /status/404 404 worker=", StringComparison.Ordinal));
        var after = ParseMetrics(await admin.GetStringAsync("/metrics"));

        Assert.Equal(5, after["multiplexer_requests_total{code=\"2xx\"}"] - before["multiplexer_requests_total{code=\"2xx\"}"]);
        Assert.Equal(1, after["multiplexer_requests_total{code=\"4xx\"}"] - before["multiplexer_requests_total{code=\"4xx\"}"]);
        Assert.Equal(6, after["multiplexer_checkout_wait_seconds_count"] - before["multiplexer_checkout_wait_seconds_count"]);
        Assert.Equal(1, after["multiplexer_workers{state=\"idle\"}"]);
        Assert.True(after["multiplexer_worker_spawns_total"] >= 1);
    }

    [Fact]
    public async Task Should_turn_unhealthy_with_the_cause_when_the_start_command_is_broken()
    {
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(
            new HostConfig { Size = 1, AdminPort = adminPort, StartCmd = "echo starting; exit 3", ReadyTimeout = "2s" }, waitForWorkers: false);
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        await host.WaitForLogAsync(l => l.Contains("exited: exit code 3", StringComparison.Ordinal));
        var response = await admin.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("exit code 3", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_be_healthy_once_a_worker_is_ready_and_keep_admin_paths_off_the_public_port()
    {
        var adminPort = HostConfig.FreePort();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, AdminPort = adminPort });
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        var health = await admin.GetAsync("/healthz");
        var proxied = await host.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, proxied.StatusCode);
        Assert.True(proxied.Headers.Contains("x-worker-pid"), "the public port proxies /healthz to the worker like any other path");
    }

    /// <summary>Parses Prometheus text exposition, failing on any line that is not of its form.</summary>
    private static Dictionary<string, double> ParseMetrics(string text)
    {
        var samples = new Dictionary<string, double>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches(@"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$", line);
                continue;
            }
            var match = Sample().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample line: {line}");
            samples[match.Groups["series"].Value] = double.Parse(match.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        return samples;
    }

    [GeneratedRegex("""^(?<series>[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})?) (?<value>[-+0-9.eE]+|NaN|[+-]Inf)$""")]
    private static partial Regex Sample();
}
