using System.Net;
using System.Net.Sockets;

namespace Multiplexer.Actors.Ports;

/// <summary>
/// Probes by binding: a port that cannot be bound on the wildcard address is taken by someone,
/// whatever interface they listen on. Binding is local and answers at once, unlike a connect.
/// </summary>
public sealed class TcpPortProbe : IPortProbe
{
    public static TcpPortProbe Instance { get; } = new();

    public bool IsListening(int port) => !CanBind(IPAddress.Any, port) || (Socket.OSSupportsIPv6 && !CanBind(IPAddress.IPv6Any, port));

    private static bool CanBind(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }
            socket.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
