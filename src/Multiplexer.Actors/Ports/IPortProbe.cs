namespace Multiplexer.Actors.Ports;

/// <summary>Tells whether something outside the pool already listens on a port.</summary>
public interface IPortProbe
{
    bool IsListening(int port);
}
