using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests.Logging;

/// <summary>The log as an operator reads it: whole to the last line, and never a reason for requests to wait.</summary>
public sealed partial class LoggingSpecs
{
    [Fact]
    public async Task Should_keep_serving_and_count_dropped_lines_when_nobody_reads_stdout()
    {
        // arrange: stdout a pipe nobody reads; long targets make long access lines, which soon fill it and the log's buffers
        var port = HostConfig.FreePort();
        var adminPort = HostConfig.FreePort();
        var config = new HostConfig { Size = 2, AdminPort = adminPort, Extra = $"multiplexer.http.port = {port}" };
        await using var host = MultiplexerHost.Launch(config.ToHocon(), readStdout: false);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        await Eventually.TrueAsync(async () => await IsHealthyAsync(admin), "the pool is ready", 60_000);
        var target = "/?pad=" + new string('x', 2000);

        // act
        var first = await SendAsync(client, target, 600);
        var droppedAfterFirst = await DroppedAsync(admin);
        var second = await SendAsync(client, target, 600);
        var droppedAfterSecond = await DroppedAsync(admin);

        // assert: every request served, and the log dropped lines rather than holding them up
        Assert.All(first.Concat(second), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.True(droppedAfterFirst > 0, $"lines dropped after the first {first.Count} requests: {droppedAfterFirst}");
        Assert.True(droppedAfterSecond > droppedAfterFirst, $"dropped {droppedAfterFirst}, then {droppedAfterSecond}");
    }

    [Fact]
    public async Task Should_write_the_last_lines_of_a_sigterm_stop()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1 });

        var exitCode = await host.StopAsync(signal: 15);

        // Logged after Kestrel stopped, by the host and by the pool as coordinated shutdown stops it.
        Assert.Equal(0, exitCode);
        await host.WaitForLogAsync(l => l.Contains("Application is shutting down", StringComparison.Ordinal));
        await host.WaitForLogAsync(l => l.Contains("Stopping 1 workers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_log_each_actor_line_once_under_the_actor_path()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1 });

        var ready = await host.WaitForLogAsync(l => l.Contains("Worker 1 ready", StringComparison.Ordinal));

        Assert.Contains(" info: akka://multiplexer/user/pool/worker-1/process[0] Worker 1 ready: pid ", ready);
        Assert.DoesNotContain(host.Lines, l => l.Contains("[INFO][", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_give_the_worker_id_and_pid_of_an_actor_line_as_json_fields()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, Extra = "multiplexer.logging { format = json }" });

        var ready = await host.WaitForLogAsync(l => l.Contains("Worker 1 ready", StringComparison.Ordinal));

        using var entry = JsonDocument.Parse(ready);
        var state = entry.RootElement.GetProperty("State");
        Assert.Equal("akka://multiplexer/user/pool/worker-1/process", entry.RootElement.GetProperty("Category").GetString());
        Assert.Equal(1, state.GetProperty("WorkerId").GetInt32());
        var pid = state.GetProperty("Pid").GetInt32();
        var port = state.GetProperty("Port").GetInt32();
        Assert.StartsWith($"Worker 1 ready: pid {pid}, port {port}, ", entry.RootElement.GetProperty("Message").GetString());
    }

    private static async Task<IReadOnlyList<HttpStatusCode>> SendAsync(HttpClient client, string target, int count)
    {
        var statuses = new List<HttpStatusCode>(count);
        var gate = new Lock();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            using var response = await client.GetAsync(target, ct);
            lock (gate)
            {
                statuses.Add(response.StatusCode);
            }
        });
        return statuses;
    }

    private static async Task<bool> IsHealthyAsync(HttpClient admin)
    {
        try
        {
            using var response = await admin.GetAsync("/healthz");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<double> DroppedAsync(HttpClient admin)
    {
        var metrics = await admin.GetStringAsync("/metrics");
        var sample = DroppedSample().Match(metrics);
        Assert.True(sample.Success, "multiplexer_log_dropped_total is exported");
        return double.Parse(sample.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^multiplexer_log_dropped_total ([0-9.eE+]+)$", RegexOptions.Multiline)]
    private static partial Regex DroppedSample();
}
