using Multiplexer.Actors.Config;
using Xunit;

namespace Multiplexer.Actors.Tests.Config;

public sealed class ValueSyntaxSpecs
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("1500", 1500)]
    [InlineData("1500ms", 1500)]
    [InlineData("1.5 seconds", 1500)]
    [InlineData("5m", 300_000)]
    [InlineData("2 minutes", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("0s", 0)]
    [InlineData("-1s", -1000)]
    [InlineData("2000us", 2)]
    [InlineData("3000000ns", 3)]
    public void Should_parse_durations(string text, long milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("banana")]
    [InlineData("")]
    [InlineData("30 parsecs")]
    [InlineData("s")]
    [InlineData("1..2s")]
    [InlineData("99999999999999999d")]
    public void Should_reject_malformed_durations(string text) =>
        Assert.False(Duration.TryParse(text, out _));

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(100, "100ms")]
    [InlineData(1500, "1500ms")]
    [InlineData(60_000, "1m")]
    [InlineData(90_000, "90s")]
    [InlineData(86_400_000, "1d")]
    public void Should_format_durations_in_the_largest_exact_unit(long milliseconds, string text) =>
        Assert.Equal(text, Duration.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Should_format_sub_millisecond_durations_exactly()
    {
        var value = TimeSpan.FromTicks(12_345);

        Assert.True(Duration.TryParse(Duration.Format(value), out var back));
        Assert.Equal(value, back);
    }

    [Theory]
    [InlineData("4096", 4096)]
    [InlineData("64KB", 65_536)]
    [InlineData("64 kb", 65_536)]
    [InlineData("64KiB", 65_536)]
    [InlineData("64k", 65_536)]
    [InlineData("2MB", 2_097_152)]
    [InlineData("2m", 2_097_152)]
    [InlineData("1GiB", 1_073_741_824)]
    [InlineData("1g", 1_073_741_824)]
    [InlineData("10B", 10)]
    [InlineData("1.5KB", 1536)]
    public void Should_parse_byte_sizes(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("64 parsecs")]
    [InlineData("-1KB")]
    [InlineData("0.5B")]
    [InlineData("")]
    public void Should_reject_malformed_byte_sizes(string text) =>
        Assert.False(ByteSize.TryParse(text, out _));

    [Theory]
    [InlineData(65_536, "64KB")]
    [InlineData(1536, "1536B")]
    [InlineData(2_097_152, "2MB")]
    [InlineData(0, "0B")]
    public void Should_format_byte_sizes_in_the_largest_exact_unit(long bytes, string text) =>
        Assert.Equal(text, ByteSize.Format(bytes));

    [Fact]
    public void Should_parse_a_port_range()
    {
        Assert.True(PortRange.TryParse("10300..10350", out var range));

        Assert.Equal(new PortRange(10300, 10350), range);
        Assert.Equal(51, range.Count);
        Assert.True(range.Contains(10300));
        Assert.True(range.Contains(10350));
        Assert.False(range.Contains(10351));
        Assert.Equal("10300..10350", range.ToString());
    }

    [Theory]
    [InlineData("10300-10350")]
    [InlineData("10350..10300")]
    [InlineData("0..10")]
    [InlineData("1..65536")]
    [InlineData("1..2..3")]
    [InlineData("a..b")]
    [InlineData("")]
    public void Should_reject_malformed_port_ranges(string text) =>
        Assert.False(PortRange.TryParse(text, out _));

    [Fact]
    public void Should_refuse_to_construct_an_invalid_port_range() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortRange(10, 9));

    [Fact]
    public void Should_show_start_delay_as_written_in_config()
    {
        Assert.Equal("wait-first-output", StartDelay.WaitFirstOutput.ToString());
        Assert.Equal("1500ms", new StartDelay(TimeSpan.FromMilliseconds(1500)).ToString());
    }
}
