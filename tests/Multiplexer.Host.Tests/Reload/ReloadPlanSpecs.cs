using Multiplexer.Host.Reload;
using Multiplexer.Host.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.Host.Tests.Reload;

/// <summary>What a reload applies at once, what replaces the workers, and what waits for a restart.</summary>
public sealed class ReloadPlanSpecs
{
    [Theory]
    [InlineData("multiplexer.pool { size = 4, max-overflow = 0, strategy = lifo, max-waiting = 10 }")]
    [InlineData("multiplexer.pool.checkout-timeout = 7s")]
    [InlineData("multiplexer.http.slow-request = 3s")]
    [InlineData("multiplexer.http { proxy-timeout = 1m, request-buffering = off, response-buffering = off, buffer-memory = 1MB }")]
    [InlineData("multiplexer.service.max-requests = 1000")]
    public void Should_apply_pool_timeout_buffering_and_recycling_changes_at_once_without_replacing_workers(string change)
    {
        var next = TestSettings.Parse(change);

        var plan = ReloadPlan.Between(TestSettings.Parse(), next);

        Assert.False(plan.RollsWorkers);
        Assert.Empty(plan.NeedsRestart);
        Assert.Equal("applied", plan.Outcome);
        Assert.Equal(next.Pool, plan.Running.Pool);
        Assert.Equal(next.Http, plan.Running.Http);
    }

    [Theory]
    [InlineData("multiplexer.service.start-cmd = \"node v2/index.js %PORT%\"")]
    [InlineData("multiplexer.service.environment { NODE_ENV = production }")]
    [InlineData("multiplexer.service.working-directory = \"/\"")]
    [InlineData("multiplexer.service.ready-timeout = 5s")]
    public void Should_replace_the_workers_one_at_a_time_when_a_service_setting_changes(string change)
    {
        var next = TestSettings.Parse(change);

        var plan = ReloadPlan.Between(TestSettings.Parse(), next);

        Assert.True(plan.RollsWorkers);
        Assert.Equal("applied; replacing the workers one at a time", plan.Outcome);
        Assert.Equal(next.Service, plan.Running.Service);
    }

    [Fact]
    public void Should_keep_the_running_service_settings_when_the_workers_do_not_roll()
    {
        var current = TestSettings.Parse();

        var plan = ReloadPlan.Between(current, TestSettings.Parse("multiplexer.pool.size = 3"));

        Assert.Equal(current.Service.StartCmd, plan.Running.Service.StartCmd);
    }

    [Theory]
    [InlineData("multiplexer.http.port = 8080", "http listener or limits")]
    [InlineData("multiplexer.http.max-request-body = 1MB", "http listener or limits")]
    [InlineData("multiplexer.http.drain-timeout = 1m", "http listener or limits")]
    [InlineData("multiplexer.admin.port = 3001", "admin")]
    [InlineData("multiplexer.logging.level = debug", "logging")]
    public void Should_say_which_changes_need_a_restart_and_apply_the_rest(string change, string needsRestart)
    {
        var plan = ReloadPlan.Between(TestSettings.Parse(), TestSettings.Parse(change + "\nmultiplexer.pool.size = 3"));

        Assert.Equal([needsRestart], plan.NeedsRestart);
        Assert.Equal($"applied; needs a restart to take effect: {needsRestart}", plan.Outcome);
        Assert.Equal(3, plan.Running.Pool.Size);
    }

    [Fact]
    public void Should_name_a_new_port_range_as_needing_a_restart_while_rolling_the_workers()
    {
        var plan = ReloadPlan.Between(TestSettings.Parse(), TestSettings.Parse("multiplexer.service.port-range = \"10400..10409\""));

        Assert.True(plan.RollsWorkers);
        Assert.Equal("applied; replacing the workers one at a time; needs a restart to take effect: service.port-range or service.base-url", plan.Outcome);
    }

    [Fact]
    public void Should_change_nothing_when_the_file_is_the_same()
    {
        var plan = ReloadPlan.Between(TestSettings.Parse(), TestSettings.Parse());

        Assert.False(plan.RollsWorkers);
        Assert.Empty(plan.NeedsRestart);
        Assert.Equal("applied", plan.Outcome);
    }
}
