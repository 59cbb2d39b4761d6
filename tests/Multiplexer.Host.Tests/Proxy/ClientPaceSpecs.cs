using System.Diagnostics;
using Multiplexer.Host.Proxy;
using Xunit;

namespace Multiplexer.Host.Tests.Proxy;

/// <summary>How long the forwarder may wait for a client that has fallen behind before it spools the rest instead.</summary>
public sealed class ClientPaceSpecs
{
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(25);

    /// <summary>What a client taking the response at the keep-up rate takes in 100 ms.</summary>
    private const int TenthOfASecond = (int)(ClientPace.KeepUpRate / 10);

    [Fact]
    public void Should_allow_a_short_wait_at_the_start_of_a_response()
    {
        var pace = new ClientPace();

        AssertNear(Slack, pace.Allowance);
    }

    [Fact]
    public void Should_wait_for_a_client_that_takes_the_response_at_the_keep_up_rate()
    {
        var pace = new ClientPace();

        pace.Wrote(TenthOfASecond);
        pace.Waited(0, Ticks(TimeSpan.FromMilliseconds(100)));

        Assert.True(pace.Allowance > TimeSpan.Zero);
        AssertNear(Slack, pace.Allowance);
    }

    [Fact]
    public void Should_stop_waiting_once_the_client_falls_behind_the_keep_up_rate()
    {
        var pace = new ClientPace();

        pace.Wrote(TenthOfASecond);
        pace.Waited(0, Ticks(TimeSpan.FromMilliseconds(60)));
        pace.Waited(1_000, 1_000 + Ticks(TimeSpan.FromMilliseconds(66)));

        Assert.True(pace.Allowance <= TimeSpan.Zero);
    }

    [Fact]
    public void Should_give_a_client_that_catches_up_its_allowance_back_as_more_is_written()
    {
        var pace = new ClientPace();
        pace.Wrote(TenthOfASecond);
        pace.Waited(0, Ticks(TimeSpan.FromMilliseconds(200)));
        var behind = pace.Allowance;

        pace.Wrote(2 * TenthOfASecond);

        Assert.True(behind <= TimeSpan.Zero);
        AssertNear(Slack + TimeSpan.FromMilliseconds(100), pace.Allowance);
    }

    /// <summary>Equal but for rounding between stopwatch ticks and time-span ticks.</summary>
    private static void AssertNear(TimeSpan expected, TimeSpan actual) =>
        Assert.InRange(actual, expected - TimeSpan.FromMicroseconds(10), expected + TimeSpan.FromMicroseconds(10));

    private static long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * Stopwatch.Frequency);
}
