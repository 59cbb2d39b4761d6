using Microsoft.Extensions.Logging.Abstractions;
using Multiplexer.Actors.Ports;
using Multiplexer.Host.Hosting;
using Multiplexer.Host.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.Host.Tests.Hosting;

/// <summary>The start refused, with the line an operator reads, when too few ports of the range are free.</summary>
public sealed class PreFlightSpecs
{
    [Fact]
    public void Should_refuse_to_start_when_fewer_ports_are_free_than_the_pool_size()
    {
        var preFlight = PreFlight(listening: [10300, 10301, 10302, 10303, 10304, 10305, 10306, 10307, 10308]);

        Assert.Equal(
            "multiplexer: multiplexer.service.port-range: only 1 of the 10 ports in 10300..10309 are free, fewer than size = 2; other processes listen on the rest",
            preFlight.TooFewFreePorts());
    }

    [Fact]
    public void Should_start_when_as_many_ports_are_free_as_the_pool_size()
    {
        var preFlight = PreFlight(listening: [10300, 10301, 10302, 10303, 10304, 10305, 10306, 10307]);

        Assert.Null(preFlight.TooFewFreePorts());
    }

    private static PreFlight PreFlight(int[] listening) =>
        new(TestSettings.Parse(), "multiplexer-host-tests", new TakenPorts(listening), NullLogger.Instance);

    private sealed class TakenPorts(int[] listening) : IPortProbe
    {
        public bool IsListening(int port) => listening.Contains(port);
    }
}
