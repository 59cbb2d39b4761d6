using Akka.Actor;
using Akka.TestKit.Xunit2;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Ports;
using Xunit;

namespace Multiplexer.Actors.Tests.Ports;

public sealed class PortRingActorSpecs : TestKit
{
    private sealed class FakeProbe(params int[] taken) : IPortProbe
    {
        public HashSet<int> Taken { get; } = [.. taken];

        public bool IsListening(int port) => Taken.Contains(port);
    }

    [Fact]
    public async Task Should_hand_out_ports_round_robin()
    {
        var ring = Sys.ActorOf(PortRingActor.Props(new PortRange(5000, 5002), new FakeProbe()));

        var ports = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            ring.Tell(new AcquirePort(i));
            ports.Add((await ExpectMsgAsync<PortGranted>()).Port);
            ring.Tell(new ReleasePort(ports[^1]));
        }
        ring.Tell(new AcquirePort(4));

        Assert.Equal([5000, 5001, 5002], ports);
        Assert.Equal(5000, (await ExpectMsgAsync<PortGranted>()).Port);
    }

    [Fact]
    public async Task Should_never_hand_out_a_port_held_by_a_live_worker()
    {
        var ring = Sys.ActorOf(PortRingActor.Props(new PortRange(5000, 5001), new FakeProbe()));
        ring.Tell(new AcquirePort(1));
        var held = (await ExpectMsgAsync<PortGranted>()).Port;
        ring.Tell(new AcquirePort(2));
        var other = (await ExpectMsgAsync<PortGranted>()).Port;
        ring.Tell(new ReleasePort(other));

        ring.Tell(new AcquirePort(3));
        ring.Tell(new AcquirePort(4));

        Assert.Equal(other, (await ExpectMsgAsync<PortGranted>()).Port);
        await ExpectMsgAsync<NoPortFree>();
        Assert.NotEqual(held, other);
    }

    [Fact]
    public async Task Should_skip_a_port_something_else_listens_on()
    {
        var ring = Sys.ActorOf(PortRingActor.Props(new PortRange(5000, 5002), new FakeProbe(5000, 5001)));

        ring.Tell(new AcquirePort(1));

        Assert.Equal(5002, (await ExpectMsgAsync<PortGranted>()).Port);
    }

    [Fact]
    public async Task Should_say_why_when_no_port_is_free()
    {
        var ring = Sys.ActorOf(PortRingActor.Props(new PortRange(5000, 5001), new FakeProbe(5001)));
        ring.Tell(new AcquirePort(1));
        await ExpectMsgAsync<PortGranted>();

        ring.Tell(new AcquirePort(2));

        var refusal = await ExpectMsgAsync<NoPortFree>();
        Assert.Contains("1 held by workers", refusal.Reason);
        Assert.Contains("1 in use by other processes", refusal.Reason);
    }

    [Fact]
    public async Task Should_take_a_port_back_when_its_worker_stops()
    {
        var ring = Sys.ActorOf(PortRingActor.Props(new PortRange(5000, 5000), new FakeProbe()));
        ring.Tell(new AcquirePort(1));
        var port = (await ExpectMsgAsync<PortGranted>()).Port;

        ring.Tell(new ReleasePort(port));
        ring.Tell(new AcquirePort(2));

        Assert.Equal(port, (await ExpectMsgAsync<PortGranted>()).Port);
    }

    [Fact]
    public void Should_report_a_real_listener_as_taken()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;

        Assert.True(TcpPortProbe.Instance.IsListening(port));
        listener.Stop();
        Assert.False(TcpPortProbe.Instance.IsListening(port));
    }
}
