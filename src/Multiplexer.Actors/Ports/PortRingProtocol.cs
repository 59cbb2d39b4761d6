namespace Multiplexer.Actors.Ports;

/// <summary>Asks the ring for a port to start a worker on; answered with <see cref="PortGranted"/> or <see cref="NoPortFree"/>.</summary>
public sealed record AcquirePort(int WorkerId);

public sealed record PortGranted(int Port);

public sealed record NoPortFree(string Reason);

/// <summary>A worker has stopped and its process group is gone: the port may be handed out again.</summary>
public sealed record ReleasePort(int Port);
