using System.Net;
using System.Text.Json;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>Rolling reload on SIGHUP or POST /reload: a new version deployed under load without a failed request.</summary>
public sealed class ReloadSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_roll_every_worker_onto_a_new_start_command_under_load_without_a_failed_request()
    {
        // arrange: two workers of version 1 under steady load from four clients
        var config = new HostConfig { Size = 2 };
        await using var host = await MultiplexerHost.StartAsync(config);
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(_ => LoadAsync(host.Client, stop.Token)).ToList();
        await host.Client.GetAsync("/version");

        // act: deploy version 2 and signal the multiplexer
        var version2 = config with { StartCmd = $"WORKER_VERSION=2 node \"{Repository.NodeWorker}\" %PORT%" };
        await File.WriteAllTextAsync(host.ConfigPath, version2.ToHocon());
        ProcessTable.Signal(host.Pid, 1);
        await host.WaitForLogCountAsync(l => l.Contains("recycled: the configuration was reloaded", StringComparison.Ordinal), 2);
        var afterReload = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => host.Client.GetStringAsync("/version")));
        await stop.CancelAsync();
        var results = (await Task.WhenAll(load)).SelectMany(r => r).ToList();

        // assert
        output.WriteLine($"{results.Count} requests during the reload: {string.Join(", ", results.GroupBy(r => r).Select(g => $"{g.Key}: {g.Count()}"))}");
        Assert.All(results, r => Assert.StartsWith("200", r, StringComparison.Ordinal));
        Assert.Contains(results, r => r == "200 1");
        Assert.All(afterReload, v => Assert.Equal("2\n", v));
    }

    [Fact]
    public async Task Should_reject_a_bad_configuration_on_reload_and_keep_the_running_pool()
    {
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1 });
        var before = await host.Client.GetStringAsync("/pid");

        await File.AppendAllTextAsync(host.ConfigPath, "\nmultiplexer.pool.strategy = fiffo\n");
        ProcessTable.Signal(host.Pid, 1);
        var line = await host.WaitForLogAsync(l => l.Contains("reload rejected", StringComparison.Ordinal));

        Assert.Contains("multiplexer.pool.strategy", line);
        Assert.Equal(before, await host.Client.GetStringAsync("/pid"));
    }

    [Fact]
    public async Task Should_warn_at_start_that_sighup_is_ignored_under_nohup_and_still_reload_on_post()
    {
        // arrange: nohup starts the multiplexer with SIGHUP ignored, which the runtime cannot undo
        var adminPort = HostConfig.FreePort();
        var config = new HostConfig { Size = 1, AdminPort = adminPort };
        await using var host = await MultiplexerHost.StartAsync(MultiplexerHost.Launch(config.ToHocon(), wrapper: "nohup"), workers: 1);
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        // act
        await File.AppendAllTextAsync(host.ConfigPath, "\nmultiplexer.pool.checkout-timeout = 7s\n");
        var reload = await admin.PostAsync("/reload", null);

        // assert: the operator is told at start, and the admin listener's reload works regardless
        var warning = await host.WaitForLogAsync(l => l.Contains("SIGHUP is ignored", StringComparison.Ordinal));
        Assert.Contains("POST /reload", warning);
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        await host.WaitForLogAsync(l => l.Contains("Configuration reloaded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_apply_a_new_pool_size_on_post_reload_without_a_restart()
    {
        var adminPort = HostConfig.FreePort();
        var config = new HostConfig { Size = 1, AdminPort = adminPort };
        await using var host = await MultiplexerHost.StartAsync(config);
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        await File.WriteAllTextAsync(host.ConfigPath, (config with { Size = 3, MaxOverflow = 0 }).ToHocon());
        var reload = await admin.PostAsync("/reload", null);
        await host.WaitForReadyWorkersAsync(3);

        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        using var status = JsonDocument.Parse(await admin.GetStringAsync("/status"));
        Assert.Equal(3, status.RootElement.GetProperty("pool").GetProperty("size").GetInt32());
        Assert.Equal(3, status.RootElement.GetProperty("workers").GetArrayLength());
    }

    /// <summary>Requests /version until stopped; each result is "status body".</summary>
    private static async Task<List<string>> LoadAsync(HttpClient client, CancellationToken stop)
    {
        var results = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            var response = await client.GetAsync("/version", CancellationToken.None);
            results.Add($"{(int)response.StatusCode} {(await response.Content.ReadAsStringAsync(CancellationToken.None)).Trim()}");
        }
        return results;
    }
}
