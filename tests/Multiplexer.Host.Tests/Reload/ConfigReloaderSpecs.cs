using Akka.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Pool;
using Multiplexer.Actors.Ports;
using Multiplexer.Actors.Processes;
using Multiplexer.Host.Hosting;
using Multiplexer.Host.Reload;
using Multiplexer.Host.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.Host.Tests.Reload;

/// <summary>A reload as <c>POST /reload</c> answers it, what the pool is told, and what the other features then read.</summary>
public sealed class ConfigReloaderSpecs : Akka.TestKit.Xunit2.TestKit
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("multiplexer-reload-");
    private readonly TestProbe _pool;
    private readonly string _path;
    private readonly LiveSettings _live;
    private readonly ConfigReloader _reloader;

    public ConfigReloaderSpecs()
    {
        _pool = CreateTestProbe();
        _path = Path.Combine(_directory.FullName, "multiplexer.hocon");
        File.WriteAllText(_path, TestSettings.Hocon());
        _live = new LiveSettings(SettingsLoader.Load(_path));
        _reloader = new ConfigReloader(_live, new FixedActor<PoolActor>(_pool), new FixedActor<PortRingActor>(CreateTestProbe()),
            new WorkerProcessLauncher("multiplexer-host-tests"), NullLogger<ConfigReloader>.Instance);
    }

    [Fact]
    public async Task Should_give_the_pool_its_new_sizes_and_the_other_features_the_new_timeouts()
    {
        await File.WriteAllTextAsync(_path, TestSettings.Hocon("multiplexer.pool { size = 3, checkout-timeout = 7s }"));

        var (applied, outcome) = await _reloader.ReloadAsync();

        Assert.True(applied);
        Assert.Equal("applied", outcome);
        var reconfigure = await _pool.ExpectMsgAsync<Reconfigure>();
        Assert.Equal(3, reconfigure.Pool.Size);
        Assert.False(reconfigure.RollWorkers);
        Assert.Equal(TimeSpan.FromSeconds(7), _live.Current.Pool.CheckoutTimeout);
    }

    [Fact]
    public async Task Should_have_the_pool_replace_its_workers_when_the_start_command_changes()
    {
        await File.WriteAllTextAsync(_path, TestSettings.Hocon("multiplexer.service.start-cmd = \"node v2.js %PORT%\""));

        var (applied, outcome) = await _reloader.ReloadAsync();

        Assert.True(applied);
        Assert.Equal("applied; replacing the workers one at a time", outcome);
        Assert.True((await _pool.ExpectMsgAsync<Reconfigure>()).RollWorkers);
        Assert.Equal("node v2.js %PORT%", _live.Current.Service.StartCmd);
    }

    [Fact]
    public async Task Should_reject_an_invalid_file_naming_the_key_and_keep_the_running_settings()
    {
        var running = _live.Current;
        await File.AppendAllTextAsync(_path, "\nmultiplexer.pool.strategy = fiffo\n");

        var (applied, outcome) = await _reloader.ReloadAsync();

        Assert.False(applied);
        Assert.StartsWith("rejected, the running configuration stays:\nmultiplexer.pool.strategy: ", outcome, StringComparison.Ordinal);
        Assert.Same(running, _live.Current);
        Assert.False(_pool.HasMessages);
    }

    protected override void AfterAll()
    {
        _reloader.Dispose();
        _directory.Delete(recursive: true);
        base.AfterAll();
    }
}
